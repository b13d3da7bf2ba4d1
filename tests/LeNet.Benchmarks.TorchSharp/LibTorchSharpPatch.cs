using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace LeNet.Benchmarks.Torch;

/// <summary>
/// Makes this program's copy of TorchSharp 0.107's <c>libLibTorchSharp.so</c> loadable on a libstdc++ older than GCC 13's.
/// </summary>
/// <remarks>
/// <para>
/// The library was linked against GCC 13's libstdc++ and so asks for version <c>GLIBCXX_3.4.32</c> of
/// <c>libstdc++.so.6</c>, for one symbol only: <c>_ZSt21ios_base_library_initv</c> (<c>std::ios_base_library_init</c>),
/// the marker GCC 13's &lt;iostream&gt; references so that a static link pulls in the iostream initialiser. Nothing
/// calls it and no relocation refers to it, but the dynamic loader refuses the whole library when a needed version is
/// missing, and Debian 12's libstdc++ (GCC 12) stops at <c>GLIBCXX_3.4.30</c>. The older libtorch libraries beside it
/// construct <c>std::ios_base::Init</c> themselves, as code built before GCC 13 does.
/// </para>
/// <para>
/// The patch marks that one entry of the <c>.gnu.version_r</c> section weak (<c>vna_flags |= VER_FLG_WEAK</c>), which
/// tells the loader that the version may be absent: it then loads the library and binds every other symbol as before.
/// On a system that has the version nothing changes. It refuses to patch (and says why) when a relocation refers to a
/// symbol of that version, since such a symbol would then be left unbound. It rewrites only the copy in this
/// program's output folder (through a new file, so even a hard link into the NuGet cache is never written through),
/// never the NuGet cache, and it is idempotent. The same 2 bytes would be patched by hand with a hex editor.
/// </para>
/// </remarks>
internal static class LibTorchSharpPatch
{
    public const string LibraryName = "libLibTorchSharp.so";

    /// <summary>The version Debian 12's libstdc++ lacks.</summary>
    public const string MissingVersion = "GLIBCXX_3.4.32";

    private const uint SectionVersionNeeds = 0x6ffffffe; // SHT_GNU_verneed
    private const uint SectionVersionSymbols = 0x6fffffff; // SHT_GNU_versym
    private const uint SectionRelocationsWithAddend = 4; // SHT_RELA
    private const uint SectionRelocations = 9; // SHT_REL
    private const ushort WeakVersion = 0x2; // VER_FLG_WEAK

    private static readonly object Gate = new();
    private static string? _outcome;

    /// <summary>
    /// Patches the copy beside this program once per process (Linux x64 only; elsewhere a no-op) and returns what it
    /// did. Call before the first use of TorchSharp: the loader reads the file when TorchSharp first touches libtorch.
    /// </summary>
    public static string EnsureLoadable()
    {
        lock (Gate)
        {
            if (_outcome is null)
            {
                if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
                {
                    _outcome = "not Linux x64: TorchSharp's library is used as shipped";
                }
                else
                {
                    string path = Find(AppContext.BaseDirectory);
                    _outcome = $"{path}: {Patch(path)}";
                }
            }

            return _outcome;
        }
    }

    /// <summary>Where the SDK copied the library: under runtimes/linux-x64/native, or beside the program for a RID-specific build.</summary>
    private static string Find(string folder)
    {
        foreach (string candidate in new[] { Path.Combine(folder, "runtimes", "linux-x64", "native", LibraryName), Path.Combine(folder, LibraryName) })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Expected {LibraryName} (from the TorchSharp package) under {folder}runtimes/linux-x64/native or beside the program; found neither. Build the project so that TorchSharp-cpu's native files are copied.");
    }

    /// <summary>
    /// Marks <paramref name="version"/> of libstdc++.so.6 (by default <see cref="MissingVersion"/>) weak in the ELF file
    /// at <paramref name="path"/>; returns what it did.
    /// </summary>
    public static string Patch(string path, string version = MissingVersion)
    {
        byte[] elf = File.ReadAllBytes(path);
        (int flagsOffset, ushort versionIndex, ushort flags) = FindVersionNeed(elf, path, version);
        if (flagsOffset < 0)
        {
            return $"needs no {version}, left as is";
        }

        if ((flags & WeakVersion) != 0)
        {
            return $"{version} already weak";
        }

        string? user = RelocatedSymbolOfVersion(elf, versionIndex);
        if (user is not null)
        {
            throw new InvalidOperationException($"{path}: a relocation refers to {user}, a symbol of {version}; marking the version weak would leave it unbound, so the library is not patched.");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(flagsOffset), (ushort)(flags | WeakVersion));
        string temporary = path + ".patching";
        File.WriteAllBytes(temporary, elf);
        File.Move(temporary, path, overwrite: true);
        return $"{version} marked weak (vna_flags at file offset 0x{flagsOffset:x}: 0x{flags:x} -> 0x{flags | WeakVersion:x})";
    }

    /// <summary>
    /// The file offset of <paramref name="wanted"/>'s <c>vna_flags</c> in the version needs of libstdc++.so.6, its
    /// version index (<c>vna_other</c>) and its flags; offset -1 when the library does not need it.
    /// </summary>
    private static (int FlagsOffset, ushort VersionIndex, ushort Flags) FindVersionNeed(byte[] elf, string path, string wanted)
    {
        Span<byte> span = elf;
        if (elf.Length < 64 || span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F' || span[4] != 2 || span[5] != 1)
        {
            throw new InvalidDataException($"{path}: expected a 64-bit little-endian ELF file; the first bytes are {Convert.ToHexString(span[..Math.Min(6, elf.Length)])}.");
        }

        foreach (Section section in Sections(elf))
        {
            if (section.Type != SectionVersionNeeds)
            {
                continue;
            }

            Section strings = Sections(elf)[section.Link];
            int need = section.Offset;
            for (int i = 0; i < section.Info; i++)
            {
                // Elf64_Verneed: vn_version, vn_cnt (u16), vn_file, vn_aux, vn_next (u32).
                int count = BinaryPrimitives.ReadUInt16LittleEndian(span[(need + 2)..]);
                string file = Name(elf, strings, BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 4)..]));
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 8)..]);
                for (int j = 0; j < count; j++)
                {
                    // Elf64_Vernaux: vna_hash (u32), vna_flags, vna_other (u16), vna_name, vna_next (u32).
                    string version = Name(elf, strings, BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 8)..]));
                    if (file == "libstdc++.so.6" && version == wanted)
                    {
                        return (aux + 4, BinaryPrimitives.ReadUInt16LittleEndian(span[(aux + 6)..]), BinaryPrimitives.ReadUInt16LittleEndian(span[(aux + 4)..]));
                    }

                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 12)..]);
                }

                need += (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 12)..]);
            }
        }

        return (-1, 0, 0);
    }

    /// <summary>The name of the first dynamic symbol of version <paramref name="versionIndex"/> that a relocation refers to, or null.</summary>
    private static string? RelocatedSymbolOfVersion(byte[] elf, ushort versionIndex)
    {
        Section[] sections = Sections(elf);
        Section? versions = Array.Find(sections, s => s.Type == SectionVersionSymbols);
        if (versions is null)
        {
            return null;
        }

        foreach (Section relocations in sections)
        {
            if ((relocations.Type != SectionRelocationsWithAddend && relocations.Type != SectionRelocations) || relocations.Link != versions.Link)
            {
                continue;
            }

            // Elf64_Rela is r_offset, r_info, r_addend (Elf64_Rel without r_addend); the symbol is r_info's high 32 bits.
            int entry = relocations.Type == SectionRelocationsWithAddend ? 24 : 16;
            for (int at = relocations.Offset; at + entry <= relocations.Offset + relocations.Size; at += entry)
            {
                int symbol = (int)(BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(at + 8)) >> 32);
                if (symbol != 0 && (BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(versions.Offset + (2 * symbol))) & 0x7fff) == versionIndex)
                {
                    // Elf64_Sym: st_name (u32) first, 24 bytes each, names in the symbol table's linked string table.
                    Section symbols = sections[versions.Link];
                    uint name = BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(symbols.Offset + (24 * symbol)));
                    return Name(elf, sections[symbols.Link], name);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Shows that the refusal is not vacuous: on a scratch copy of the library, marking <c>GLIBCXX_3.4</c> weak (a version
    /// whose symbols are relocated all over) must be refused, and marking <see cref="MissingVersion"/> weak must change
    /// exactly one byte. Returns what it saw; throws if either fails.
    /// </summary>
    public static string SelfCheck()
    {
        string library = Find(AppContext.BaseDirectory);
        string scratch = Path.Combine(Path.GetTempPath(), $"lenet-{Environment.ProcessId}-{LibraryName}");
        try
        {
            File.Copy(library, scratch, overwrite: true);
            string refusal;
            try
            {
                Patch(scratch, "GLIBCXX_3.4");
                throw new InvalidOperationException($"Marking GLIBCXX_3.4 weak in {scratch} was not refused, though its symbols are relocated.");
            }
            catch (InvalidOperationException e) when (e.Message.Contains("a relocation refers to", StringComparison.Ordinal))
            {
                refusal = e.Message[(e.Message.IndexOf("refers to", StringComparison.Ordinal) + 10)..e.Message.IndexOf(',', StringComparison.Ordinal)];
            }

            // Undo this program's patch on the copy, then redo it and count the bytes it changes.
            byte[] before = File.ReadAllBytes(scratch);
            (int flagsOffset, _, ushort flags) = FindVersionNeed(before, scratch, MissingVersion);
            BinaryPrimitives.WriteUInt16LittleEndian(before.AsSpan(flagsOffset), (ushort)(flags & ~WeakVersion));
            File.WriteAllBytes(scratch, before);
            Patch(scratch);
            byte[] after = File.ReadAllBytes(scratch);
            int changed = 0;
            for (int i = 0; i < before.Length; i++)
            {
                changed += before[i] != after[i] ? 1 : 0;
            }

            if (changed != 1 || after.Length != before.Length)
            {
                throw new InvalidOperationException($"The patch changed {changed} bytes of {LibraryName} (and {before.Length} -> {after.Length} bytes long); expected exactly one.");
            }

            return $"GLIBCXX_3.4 refused (a relocation refers to {refusal}); {MissingVersion} changes 1 byte of {before.Length:N0}";
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    private static Section[] Sections(byte[] elf)
    {
        ReadOnlySpan<byte> span = elf;
        // Elf64_Ehdr: e_shoff at 0x28, e_shentsize at 0x3a, e_shnum at 0x3c.
        int table = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]));
        int size = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3a..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3c..]);
        var sections = new Section[count];
        for (int i = 0; i < count; i++)
        {
            // Elf64_Shdr: sh_type at 4, sh_offset at 24, sh_size at 32, sh_link at 40, sh_info at 44.
            ReadOnlySpan<byte> header = span.Slice(table + (i * size), size);
            sections[i] = new Section(
                BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header[24..])),
                checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header[32..])),
                (int)BinaryPrimitives.ReadUInt32LittleEndian(header[40..]),
                (int)BinaryPrimitives.ReadUInt32LittleEndian(header[44..]));
        }

        return sections;
    }

    private static string Name(byte[] elf, Section strings, uint offset)
    {
        int start = strings.Offset + (int)offset;
        int end = Array.IndexOf(elf, (byte)0, start);
        return Encoding.ASCII.GetString(elf, start, end - start);
    }

    private sealed record Section(uint Type, int Offset, int Size, int Link, int Info);
}
