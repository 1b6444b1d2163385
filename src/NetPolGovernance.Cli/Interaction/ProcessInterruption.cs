using System.Runtime.InteropServices;

namespace NetPolGovernance.Cli.Interaction;

/// <summary>
/// Turns the first SIGINT (Ctrl+C) or SIGTERM into a cancellation the commands observe, so they stop cleanly: rows in
/// flight are published or kept, <c>-o</c> files are not left half-written, and the exit code says which signal
/// stopped the run (<see cref="ExitCodes.Interrupted"/>, <see cref="ExitCodes.Terminated"/>). A second signal ends the
/// process at once, as a user pressing Ctrl+C twice expects.
/// </summary>
internal sealed class ProcessInterruption : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signal;

    private ProcessInterruption()
    {
    }

    /// <summary>Cancelled at the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>The signal that stopped the run, if one did.</summary>
    public PosixSignal? Signal => Volatile.Read(ref _signal) switch
    {
        0 => null,
        var value => (PosixSignal)value,
    };

    public static ProcessInterruption Register()
    {
        var interruption = new ProcessInterruption();
        interruption._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, interruption.OnSignal));
        interruption._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, interruption.OnSignal));
        return interruption;
    }

    /// <summary>The exit code of a run this signal stopped, or <paramref name="exitCode"/> when none did.</summary>
    public int ExitCodeFor(int exitCode) => Signal switch
    {
        PosixSignal.SIGINT => ExitCodes.Interrupted,
        PosixSignal.SIGTERM => ExitCodes.Terminated,
        _ => exitCode,
    };

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // PosixSignal values are negative, so 0 means "none yet".
        if (Interlocked.CompareExchange(ref _signal, (int)context.Signal, 0) != 0)
        {
            return; // a second signal: let the runtime end the process
        }

        context.Cancel = true;
        _cancellation.Cancel();
    }
}
