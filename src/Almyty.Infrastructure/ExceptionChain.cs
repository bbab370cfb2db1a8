namespace Almyty.Infrastructure;

/// <summary>An exception and its inner exceptions, outermost first: HttpClient, Polly and EF Core wrap the cause that matters.</summary>
internal static class ExceptionChain
{
    public static IEnumerable<Exception> Of(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    public static T? Find<T>(Exception exception)
        where T : Exception => Of(exception).OfType<T>().FirstOrDefault();
}
