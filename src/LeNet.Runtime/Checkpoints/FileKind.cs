namespace LeNet;

/// <summary>What a path names, as far as saving and loading care.</summary>
internal enum FileKind
{
    /// <summary>Nothing exists at the path (or a folder on the way is missing).</summary>
    Missing,

    /// <summary>A regular file (or, off Linux, something that is not a folder).</summary>
    Regular,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A symbolic link (only reported when links are not followed).</summary>
    SymbolicLink,

    /// <summary>A FIFO (named pipe): reading it blocks until someone writes.</summary>
    Fifo,

    /// <summary>A character device such as /dev/null or /dev/zero.</summary>
    CharacterDevice,

    /// <summary>A block device such as a disk.</summary>
    BlockDevice,

    /// <summary>A Unix domain socket.</summary>
    Socket,
}
