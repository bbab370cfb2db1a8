# syntax=docker/dockerfile:1
# The Almyty API. Build: docker build -t almyty-api .   Run: docker compose up (see docker-compose.yml)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Restore first, from the project files only, so that the package layer is
# reused while only source files change.
COPY global.json Almyty.sln Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Almyty.Domain/Almyty.Domain.csproj src/Almyty.Domain/
COPY src/Almyty.Application/Almyty.Application.csproj src/Almyty.Application/
COPY src/Almyty.Infrastructure/Almyty.Infrastructure.csproj src/Almyty.Infrastructure/
COPY src/Almyty.Api/Almyty.Api.csproj src/Almyty.Api/
RUN dotnet restore src/Almyty.Api/Almyty.Api.csproj

COPY src/ src/
RUN dotnet publish src/Almyty.Api/Almyty.Api.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# DOTNET_GCgen0size caps the GC's gen0 budget at 8 MiB; MALLOC_MMAP_THRESHOLD_ makes glibc give
# freed blocks of 64 KiB and more (the JIT's scratch memory) back to the system
# (docs/adr/0015-runtime-tuned-for-memory.md).
ENV ASPNETCORE_URLS=http://+:8080 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_GCgen0size=0x800000 \
    MALLOC_MMAP_THRESHOLD_=65536
COPY --from=build /app ./
# The image's own non-root user `app` (UID $APP_UID = 1654); numeric, so that
# Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
EXPOSE 8080
# No HEALTHCHECK: the runtime image has no curl or wget. Probe
# http://<host>:8080/health/ready from the orchestrator instead.
ENTRYPOINT ["dotnet", "Almyty.Api.dll"]
