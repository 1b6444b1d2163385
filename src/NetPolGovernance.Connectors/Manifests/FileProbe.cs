using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NetPolGovernance.Connectors.Manifests;

/// <summary>What a path is, as the file system says, without opening it.</summary>
internal enum FileKind
{
    Missing,
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>The identity of a file system object (device and inode), the same whichever path or link reaches it.</summary>
internal readonly record struct FileIdentity(ulong DeviceMajor, ulong DeviceMinor, ulong Inode);

/// <summary>The kind of a path (following symbolic links) and its identity.</summary>
internal readonly record struct FileProbeResult(FileKind Kind, FileIdentity? Identity)
{
    public string Describe() => Kind switch
    {
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Directory => "a folder",
        FileKind.Missing => "missing (a dangling link?)",
        FileKind.Regular => "a regular file",
        _ => "not a regular file",
    };
}

/// <summary>
/// Looks at a path without opening it, so that a FIFO is never opened (opening one blocks until a writer comes) and a
/// device never read. On Linux this is <c>statx(2)</c>, which gives the file type and the device and inode the walk
/// uses to recognise a folder it has already entered. Elsewhere only files and folders are told apart, and there is
/// no identity (the walk then compares resolved paths).
/// </summary>
internal static partial class FileProbe
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256;

    private static bool s_statxUnavailable;

    public static FileProbeResult Probe(string path)
    {
        if (OperatingSystem.IsLinux() && BitConverter.IsLittleEndian && !s_statxUnavailable && TryStatx(path, out var result))
        {
            return result;
        }

        if (Directory.Exists(path))
        {
            return new FileProbeResult(FileKind.Directory, null);
        }

        return File.Exists(path) ? new FileProbeResult(FileKind.Regular, null) : new FileProbeResult(FileKind.Missing, null);
    }

    private static bool TryStatx(string path, out FileProbeResult result)
    {
        result = default;
        var buffer = new byte[StatxSize];
        int rc;
        try
        {
            rc = Statx(AtFdCwd, path, 0, StatxType | StatxIno, buffer);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_statxUnavailable = true;
            return false;
        }

        if (rc != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            const int ENOENT = 2, ENOTDIR = 20, ELOOP = 40, ENOSYS = 38;
            if (errno == ENOSYS)
            {
                s_statxUnavailable = true;
                return false;
            }

            if (errno is ENOENT or ENOTDIR or ELOOP)
            {
                result = new FileProbeResult(FileKind.Missing, null);
                return true;
            }

            return false;
        }

        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(0x1C));
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
        var identity = new FileIdentity(
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(0x88)),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(0x8C)),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(0x20)));
        result = new FileProbeResult(kind, identity);
        return true;
    }

    // statx(2) has one layout on every Linux architecture; the fields read above are stx_mode (u16 at 0x1C),
    // stx_ino (u64 at 0x20), stx_dev_major and stx_dev_minor (u32 at 0x88 and 0x8C). Little-endian hosts only
    // (x64, arm64), which is every platform netpolgov ships for.
    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);
}
