using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using NetPolGovernance.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddNetPolGovernanceFunctions(builder.Configuration);
await builder.Build().RunAsync().ConfigureAwait(false);
