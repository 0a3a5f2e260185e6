#!/usr/bin/env python3
"""npy_corpus.py - the .npy header cases wi's reader must judge as numpy does.

Builds each case's file, asks numpy.load (allow_pickle=False) for its verdict and writes them all
to tests/npy_corpus_cases.h, which tests/test_hostile_files.cpp checks wi's read_npy against:
what numpy loads as float32, wi loads with the same values; what numpy refuses, wi refuses; a
dtype other than float32, which numpy loads, wi refuses by name. A few cases numpy loads are
refused by wi on purpose; they carry the reason. Some cases also go to tests/fuzz/corpus_npy/.

    python3 tests/npy_corpus.py      (needs numpy: Debian's python3-numpy)
"""
import io
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
F4 = "'descr': '<f4'"
FO = "'fortran_order': False"

# The shapes the fuzz harness can ask for (tests/fuzz/fuzz_targets.h, npy_shapes()).
FUZZ_SHAPES = [(2, 3), (3,), (1, 1), (1,), (4, 2), (32, 784), (10,)]


def header_dict(shape="(3,)", descr=F4, fortran=FO):
    return "{" + descr + ", " + fortran + ", 'shape': " + shape + ", }"


def padded(text, version=(1, 0)):
    """numpy's own layout: spaces and a newline to a multiple of 64 bytes."""
    pre = 10 if version == (1, 0) else 12
    total = pre + len(text) + 1
    return text + " " * ((64 - total % 64) % 64) + "\n"


def npy(header, version=(1, 0), data=b"", length=None, encoding=None):
    raw = header.encode(encoding or ("utf8" if version == (3, 0) else "latin1"))
    n = len(raw) if length is None else length
    size = struct.pack("<H", n) if version[0] == 1 else struct.pack("<I", n)
    return b"\x93NUMPY" + bytes(version) + size + raw + data


def values(shape):
    n = int(np.prod(shape)) if shape else 1
    return (np.arange(n, dtype=np.float64) * 0.5 - 1.25).reshape(shape)


def data(shape=(3,), dtype="<f4", order="C"):
    return values(shape).astype(dtype).tobytes(order=order)


CASES = []  # (name, bytes, shape wi is told to expect, reason wi refuses what numpy loads or None)


def case(name, header, shape=(3,), version=(1, 0), body=None, differs=None, pad=True, **kw):
    text = padded(header, version) if pad else header
    body = data(shape) if body is None else body
    CASES.append((name, npy(text, version, body, **kw), shape, differs))


# What numpy writes, in every version, and the shapes a header can give.
case("numpy_v1", header_dict())
case("numpy_v2", header_dict(), version=(2, 0))
case("numpy_v3", header_dict(), version=(3, 0))
case("matrix", header_dict("(2, 3)"), shape=(2, 3))
case("scalar", header_dict("()"), shape=(), body=data(()))
case("one_by_one", header_dict("(1, 1)"), shape=(1, 1), body=data((1, 1)))
case("unpadded", header_dict(), pad=False)
case("no_newline", padded(header_dict())[:-1] + " ", pad=False)
case("padded_to_16", header_dict() + "   \n", pad=False)
case("crlf", header_dict() + "\r\n", pad=False)
# Whitespace and comments where Python allows them, and where it does not.
case("no_spaces", "{'descr':'<f4','fortran_order':False,'shape':(3,)}")
case("spaces_everywhere", "{ 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 3 , ) , }")
case("newlines_inside", "{'descr':\n'<f4',\n\t'fortran_order': False,\r\n 'shape': (3,\n)}")
case("leading_spaces", "  \t" + header_dict())
case("leading_newline", "\n" + header_dict())
case("leading_indent", "\n  " + header_dict())
case("leading_formfeed", "\f" + header_dict())
case("vertical_tab", "\v" + header_dict())
case("comment_inside", "{'descr': '<f4', # the dtype\n 'fortran_order': False, 'shape': (3,)}")
case("comment_after", header_dict() + "  # trailing comment")
case("comment_line_before", "# first\n" + header_dict())
case("backslash_join", "{'descr': '<f4', \\\n 'fortran_order': False, 'shape': (3,)}")
case("backslash_at_end", header_dict() + " \\\n", pad=False)
case("trailing_indent", header_dict() + "\n   ", pad=False)
case("trailing_indent_v3", header_dict() + "\n   ", version=(3, 0), pad=False)
case("leading_indent_v3", "\n  " + header_dict(), version=(3, 0))
case("backslash_join_v3", "{'descr': '<f4', \\\n 'fortran_order': False, 'shape': (3,)}", version=(3, 0))
case("comment_inside_v2", "{'descr': '<f4', # the dtype\n 'fortran_order': False, 'shape': (3,)}", version=(2, 0))
case("trailing_blank_lines", header_dict() + "\n  \n\n", pad=False)
# Quotes, prefixes, joined strings.
case("double_quotes", '{"descr": "<f4", "fortran_order": False, "shape": (3,)}')
case("mixed_quotes", "{\"descr\": '<f4', 'fortran_order': False, \"shape\": (3,)}")
case("triple_quotes", "{'''descr''': \"\"\"<f4\"\"\", 'fortran_order': False, 'shape': (3,)}")
case("u_prefix", "{u'descr': u'<f4', 'fortran_order': False, 'shape': (3,)}")
case("r_prefix", "{r'descr': R'<f4', 'fortran_order': False, 'shape': (3,)}")
case("b_prefix", "{'descr': b'<f4', 'fortran_order': False, 'shape': (3,)}")
case("joined_strings", "{'des' \"cr\": '<' 'f4', 'fortran_order': False, 'shape': (3,)}")
case("escape_in_string", "{'descr': '\\x3cf4', 'fortran_order': False, 'shape': (3,)}",
     differs="backslash escapes in header strings are not read")
case("unterminated_string", "{'descr': '<f4, 'fortran_order': False, 'shape': (3,)}")
# The keys: exactly the three, each once.
case("missing_shape", "{" + F4 + ", " + FO + "}")
case("missing_descr", "{" + FO + ", 'shape': (3,)}")
case("extra_key", "{" + F4 + ", " + FO + ", 'shape': (3,), 'extra': 1}")
case("duplicate_key", "{'descr': '<f8', " + F4 + ", " + FO + ", 'shape': (3,)}",
     differs="a key given twice is ambiguous (numpy keeps the last)")
case("key_case", "{'Descr': '<f4', " + FO + ", 'shape': (3,)}")
case("int_key", "{1: '<f4', " + FO + ", 'shape': (3,)}")
case("double_comma", "{" + F4 + ", " + FO + ", 'shape': (3,),,}")
case("no_comma", "{" + F4 + " " + FO + ", 'shape': (3,)}")
case("not_a_dict", "['descr', '<f4']")
case("set", "{'descr', 'fortran_order', 'shape'}")
case("parenthesized_dict", "(" + header_dict() + ")")
case("text_after_dict", header_dict() + " x")
case("two_dicts", header_dict() + header_dict())
case("empty_header", "", pad=False)
case("only_spaces", "      \n", pad=False)
# shape values
case("shape_no_trailing_comma", header_dict("(2, 3)"), shape=(2, 3))
case("shape_trailing_comma_2d", header_dict("(2, 3,)"), shape=(2, 3))
case("shape_int", header_dict("3"))
case("shape_paren_int", header_dict("(3)"))
case("shape_list", header_dict("[3]"))
case("shape_nested_parens", header_dict("((3,))"))
case("shape_negative", header_dict("(-3,)"))
case("shape_plus", header_dict("(+3,)"))
case("shape_space_sign", header_dict("(- -3,)"))
case("shape_sign_paren", header_dict("(+(3),)"), differs="a sign before parentheses is not read")
case("shape_float", header_dict("(3.0,)"))
case("shape_bool", header_dict("(True, 3)"), shape=(1, 3), body=data((1, 3)))
case("shape_hex", header_dict("(0x3,)"))
case("shape_octal_binary", header_dict("(0o2, 0b11)"), shape=(2, 3))
case("shape_underscore", header_dict("(1_0,)"), shape=(10,), body=data((10,)))
case("shape_leading_zero", header_dict("(03,)"))
case("shape_zero_zero", header_dict("(00, 3)"), shape=(0, 3), body=b"")
case("shape_long_suffix_v1", header_dict("(3L,)"))
case("shape_long_suffix_v3", header_dict("(3L,)"), version=(3, 0))
case("shape_huge", header_dict("(99999999999999999999999,)"))
case("nesting_200", header_dict("(" * 199 + "3," + ")" * 199))
case("nesting_201", header_dict("(" * 200 + "3," + ")" * 200))
case("shape_none", header_dict("None"))
case("shape_string", header_dict("'3'"))
# descr and fortran_order values
for d in ["'<f4'", "'>f4'", "'=f4'", "'|f4'", "'f4'", "'<f'", "'f'", "'float32'", "'single'", "'<f8'", "'<i4'",
          "'float'", "'f32'", "' <f4'", "[('a', '<f4')]", "('<f4')", "None"]:
    dt = d.strip("'") if d.startswith("'") and d not in ("' <f4'",) else "<f4"
    try:
        body = data((3,), dt)
    except TypeError:
        body = data((3,))
    spelled = d.strip("'").replace("<", "lt").replace(">", "gt").replace("=", "eq").replace("|", "bar")
    name = "descr_" + "".join(c if c.isalnum() else "_" for c in spelled)
    case(name, header_dict(descr="'descr': " + d), body=body)
case("fortran_true_matrix", header_dict("(2, 3)", fortran="'fortran_order': True"), shape=(2, 3),
     body=data((2, 3), order="F"))
case("fortran_true_vector", header_dict(fortran="'fortran_order': True"))
case("fortran_zero", header_dict(fortran="'fortran_order': 0"))
case("fortran_string", header_dict(fortran="'fortran_order': 'False'"))
case("fortran_none", header_dict(fortran="'fortran_order': None"))
case("big_endian_matrix", header_dict("(2, 3)", descr="'descr': '>f4'"), shape=(2, 3), body=data((2, 3), ">f4"))
# Bytes that have no place in a header, versions, lengths.
case("nul_in_padding", header_dict() + " \0 \n", pad=False)
case("nul_in_string", "{'descr': '<f4\0', " + FO + ", 'shape': (3,)}")
case("latin1_in_comment", header_dict() + " # caf\xe9\n", pad=False,
     differs="a non-ASCII byte in the header is refused, even in a comment")
case("latin1_outside", header_dict() + " \xe9\n", pad=False)
case("utf8_v3_comment", header_dict() + " # caf\u00e9\n", version=(3, 0), pad=False,
     differs="a non-ASCII byte in the header is refused, even in a comment")
case("bad_utf8_v3", header_dict() + " # \xff\n", version=(3, 0), pad=False, encoding="latin1")
case("version_1_1", header_dict(), version=(1, 1))
case("version_4_0", header_dict(), version=(4, 0))
case("version_0_0", header_dict(), version=(0, 0))
case("header_10000", header_dict() + " " * (10000 - len(header_dict()) - 1) + "\n", pad=False)
case("header_10001", header_dict() + " " * (10001 - len(header_dict()) - 1) + "\n", pad=False)
case("data_short", header_dict(), body=data((2,)))
case("data_long", header_dict(), body=data((4,)), differs="bytes after the array are refused (numpy ignores them)")
case("header_length_too_big", header_dict(), length=200, body=b"")
case("header_length_short", header_dict(), length=70, body=b"",
     differs="bytes after the array are refused (numpy ignores them)")
for cut in (3, 6, 7, 9, 11, 40):
    full = npy(padded(header_dict()), (1, 0), data((3,))) if cut != 11 else npy(padded(header_dict()), (2, 0), data((3,)))
    CASES.append(("cut_at_%d%s" % (cut, "_v2" if cut == 11 else ""), full[:cut], (3,), None))
CASES.append(("bad_magic", b"\x93NUMPZ\x01\x00" + npy(padded(header_dict()), (1, 0), data((3,)))[8:], (3,), None))
CASES.append(("empty_file", b"", (3,), None))


def numpy_verdict(blob):
    """(verdict, shape, float32 values) - verdict 'load', 'refuse' or 'dtype' (loads, not float32)."""
    try:
        a = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception:  # noqa: BLE001 - any failure is a refusal
        return "refuse", None, None
    # numpy reads a file object with fromfile and a BytesIO with frombuffer: both ignore extra bytes
    if not isinstance(a, np.ndarray) or a.dtype.kind != "f" or a.dtype.itemsize != 4 or a.dtype.names:
        return "dtype", None, None
    return "load", a.shape, np.ascontiguousarray(a, dtype="<f4").ravel().view("<u4").tolist()


def c_bytes(b):
    out = []
    for ch in b:
        c = chr(ch)
        out.append(c if 32 <= ch < 127 and c not in "\"\\?" else "\\%03o" % ch)
    return "".join(out)


def main():
    names = [c[0] for c in CASES]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit("duplicate case names: %s" % sorted(dup))
    lines = [
        "// npy_corpus_cases.h - generated by tests/npy_corpus.py from numpy %s; do not edit." % np.__version__,
        "// Each case: its name, the file's bytes, numpy.load's verdict (load, refuse, or dtype: loads",
        "// something other than float32), the shape wi is told to expect, the float32 values numpy",
        "// loaded (bit patterns, C order), and why wi refuses it although numpy loads it (or null).",
        "#pragma once",
        "#include <cstdint>",
        "#include <string>",
        "#include <vector>",
        "",
        "namespace npy_corpus {",
        "",
        "enum Verdict { kLoad, kRefuse, kOtherDtype };",
        "",
        "struct Case {",
        "    const char* name;",
        "    std::string bytes;",
        "    Verdict numpy;",
        "    std::vector<int> shape;",
        "    std::vector<std::uint32_t> values;",
        "    const char* wi_refuses_because;",
        "};",
        "",
        "inline std::vector<Case> cases() {",
        "    return {",
    ]
    counts = {}
    for name, blob, shape, differs in CASES:
        verdict, np_shape, vals = numpy_verdict(blob)
        counts[verdict] = counts.get(verdict, 0) + 1
        if verdict == "load":
            shape = np_shape
        if differs and verdict != "load":
            sys.exit("%s: marked as refused on purpose, but numpy refuses it too" % name)
        enum = {"load": "kLoad", "refuse": "kRefuse", "dtype": "kOtherDtype"}[verdict]
        lines.append('        {"%s", std::string("%s", %d), %s, {%s}, {%s}, %s},' % (
            name, c_bytes(blob), len(blob), enum, ", ".join(str(d) for d in shape),
            ", ".join("0x%08x" % v for v in (vals or [])), '"%s"' % differs if differs else "nullptr"))
        if tuple(shape) in FUZZ_SHAPES and len(blob) < 2048:
            seed = bytes([FUZZ_SHAPES.index(tuple(shape))]) + blob
            with open(os.path.join(HERE, "fuzz", "corpus_npy", "hdr_" + name), "wb") as f:
                f.write(seed)
    lines += ["    };", "}", "", "}  // namespace npy_corpus", ""]
    with open(os.path.join(HERE, "npy_corpus_cases.h"), "w") as f:
        f.write("\n".join(lines))
    print("%d cases: %s" % (len(CASES), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))


if __name__ == "__main__":
    main()
