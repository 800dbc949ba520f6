#!/usr/bin/env python3
"""Writes the .npy / .npz fixtures that Tests/CaptionKitTests/{NPY,NPZ,WeightStore}*Tests read.

Run from the repository root:

    export CAPTIONKIT_TOOLS_VENV=/work/main/.venv-tools   # optional: a shared environment
    PY=$(scripts/tools-venv) && "$PY" tools/make_npy_fixtures.py

Needs NumPy only. Deterministic (seeded values, fixed zip timestamps): running it again
rewrites Fixtures/npy/ byte for byte. It writes:

- Fixtures/npy/valid/*.npy        one small file per dtype x byte order x layout x shape
                                  (0-d, empty, 1-d, 3-d C order, 3-d Fortran order), format
                                  versions 1.0/2.0/3.0, and hand-made headers NumPy accepts
                                  (keys in any order, double quotes, Python 2 `3L`, `=f4`, ...)
- Fixtures/npy/archives/*.npz     np.savez, np.savez_compressed, a hand-built zip64 archive
- Fixtures/npy/malformed/*        files made by corrupting valid ones, each with the text
                                  CaptionKit's error must contain
- Fixtures/npy/bundle/ and bundle.npz   a tiny model bundle (state_dict names, config.json)
- Fixtures/npy/writer/*.npy       files np.save wrote, which CaptionKit's writer must match
- Fixtures/npy/manifest.json      expected shapes, float32 bit patterns (what `tensor()`
                                  must return) and exact integers, for every file above

Every valid file is read back with np.load and compared before it is listed; every
malformed .npy that NumPy also refuses is checked to be refused by np.load.
"""

import io
import json
import os
import shutil
import struct
import time
import unittest.mock
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Fixtures" / "npy"
RNG = np.random.default_rng(20240601)
FIXED_TIME = 1_700_000_000  # zip entry timestamps, so archives are reproducible

manifest = {"valid": [], "archives": [], "malformed": [], "bundle": {}, "writer": [], "writerHeaders": []}


# ----------------------------------------------------------------------------------------
# Expected values


def expected(array):
    """What CaptionKit must produce: float32 bit patterns in C order, exact integers."""
    c_order = np.ascontiguousarray(array)
    with np.errstate(over="ignore"):  # float64 1e39 becomes inf, as it must
        bits = c_order.astype(np.float32).reshape(-1).view(np.uint32)
    record = {"shape": list(array.shape), "float32Bits": [int(b) for b in bits]}
    if array.dtype.kind in "iub":
        record["integers"] = [int(v) for v in c_order.reshape(-1)]
    return record


def npy_bytes(array, version=None):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, version=version, allow_pickle=False)
    return buffer.getvalue()


def check_loads(path, array):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the Python 2 header fixture
        loaded = np.load(path, allow_pickle=False)
    assert loaded.dtype == array.dtype, (path, loaded.dtype, array.dtype)
    assert loaded.shape == array.shape, (path, loaded.shape, array.shape)
    assert np.array_equal(loaded, array, equal_nan=array.dtype.kind == "f"), path


def add_valid(name, data, array, **details):
    path = OUT / "valid" / name
    path.write_bytes(data)
    check_loads(path, array)
    record = {"file": f"valid/{name}", "descr": array.dtype.str, **details}
    record.update(expected(array))
    if "integersError" in details:
        del record["integers"]  # beyond int64, so not exact integers anywhere
    manifest["valid"].append(record)


# ----------------------------------------------------------------------------------------
# Valid arrays: every dtype x byte order x shape, C and Fortran order


def values_for(dtype, count):
    """Seeded values for a dtype, with its edge cases first."""
    kind, size = dtype.kind, dtype.itemsize
    if kind == "f":
        specials = {
            2: [np.inf, -np.inf, np.nan, 65504.0, 2.0**-24, -0.0],
            4: [np.nan, np.inf, -0.0, 1.4e-45, 3.4e38],
            8: [1 / 3, 1e-40, 1e39, -0.0, np.nan, 0.1],
        }[size]
        pool = list(specials) + list(RNG.standard_normal(count) * 100)
    elif kind == "b":
        pool = list(RNG.integers(0, 2, count).astype(bool))
    else:
        info = np.iinfo(dtype)
        top = min(int(info.max), 2**63 - 1)  # uint64 above int64 has its own fixture
        pool = [int(info.min), top, 0] + [int(v) for v in RNG.integers(int(info.min), top, count, endpoint=True)]
    return np.array(pool[:count], dtype=dtype.newbyteorder("="))


DTYPES = ["f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"]
SHAPES = {"0d": (), "empty": (0,), "1d": (5,), "3d": (2, 3, 4)}


def make_valid_arrays():
    for code in DTYPES:
        base = np.dtype(code)
        orders = ["<", ">"] if base.itemsize > 1 else ["|"]
        for order in orders:
            dtype = base.newbyteorder(order) if order != "|" else base
            tag = {"<": "le", ">": "be", "|": "na"}[order]
            for shape_name, shape in SHAPES.items():
                count = int(np.prod(shape, dtype=np.int64))
                array = values_for(base, count).reshape(shape).astype(dtype)
                name = f"{code}_{tag}_{shape_name}.npy"
                add_valid(name, npy_bytes(array), array, fortranOrder=False, version=1,
                          inPlace=(code == "f4" and order == "<" and count > 0))
            array = np.asfortranarray(values_for(base, 24).reshape(2, 3, 4).astype(dtype))
            data = npy_bytes(array)
            assert b"'fortran_order': True" in data
            add_valid(f"{code}_{tag}_3d_fortran.npy", data, array, fortranOrder=True, version=1, inPlace=False)
    # Edge values of the widest integer types.
    extremes = np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max, -1, 2**53 + 1], dtype="<i8")
    add_valid("i8_le_extremes.npy", npy_bytes(extremes), extremes, fortranOrder=False, version=1, inPlace=False)
    too_big = np.array([1, 2**64 - 1], dtype="<u8")
    add_valid("u8_le_above_int64.npy", npy_bytes(too_big), too_big, fortranOrder=False, version=1,
              inPlace=False, integersError="element 1 is larger than the largest int64")
    # An empty array whose other dimensions are large, and a 4-d Fortran array.
    wide_empty = np.zeros((2, 0, 3), dtype="<f4")
    add_valid("f4_le_empty_3d.npy", npy_bytes(wide_empty), wide_empty, fortranOrder=False, version=1, inPlace=False)
    four = np.asfortranarray(values_for(np.dtype("f4"), 120).reshape(2, 3, 4, 5))
    add_valid("f4_le_4d_fortran.npy", npy_bytes(four), four, fortranOrder=True, version=1, inPlace=False)
    # Fortran order on an array with one dimension larger than 1 is already C order.
    column = np.asfortranarray(values_for(np.dtype("f4"), 6).reshape(6, 1))
    data = npy_bytes(column).replace(b"'fortran_order': False", b"'fortran_order': True ")
    add_valid("f4_le_column_fortran_flag.npy", data, column, fortranOrder=True, version=1, inPlace=True)
    for version in [(2, 0), (3, 0)]:
        array = values_for(np.dtype("f4"), 6).reshape(2, 3)
        data = npy_bytes(array, version=version)
        assert data[6] == version[0]
        add_valid(f"f4_le_v{version[0]}.npy", data, array, fortranOrder=False, version=version[0], inPlace=True)


# ----------------------------------------------------------------------------------------
# Hand-made headers that NumPy reads


def raw_npy(header_text, data, version=1, align=64, length=None):
    """A .npy file with the given header text (bytes or str), padded like NumPy unless
    align is 1; length overrides the stored header length."""
    header = header_text.encode("utf-8") if isinstance(header_text, str) else header_text
    length_format = "<H" if version == 1 else "<I"
    prefix_size = 8 + struct.calcsize(length_format)
    total = prefix_size + len(header) + 1
    padding = (-total) % align
    header = header + b" " * padding + b"\n"
    stored_length = len(header) if length is None else length
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack(length_format, stored_length) + header + data


def make_handmade_headers():
    array = values_for(np.dtype("f4"), 6).reshape(2, 3)
    data = array.astype("<f4").tobytes()
    cases = {
        "keys_reordered": "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
        "double_quotes_no_spaces": '{"descr":"<f4","fortran_order":False,"shape":(2,3)}',
        "python2_long": "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",
        "unicode_prefix": "{u'descr': u'<f4', u'fortran_order': False, u'shape': (2, 3), }",
        "whitespace": "{\n\t'descr' :  '<f4' ,\n 'fortran_order' : False ,\n 'shape' : ( 2 , 3 , ) ,\n}",
        "native_order": "{'descr': '=f4', 'fortran_order': False, 'shape': (2, 3), }",
        "no_order": "{'descr': 'f4', 'fortran_order': False, 'shape': (2, 3), }",
        "parenthesised_values": "{'descr': ('<f4'), 'fortran_order': (False), 'shape': ((2), 3), }",
    }
    for name, header in cases.items():
        add_valid(f"header_{name}.npy", raw_npy(header, data), array, fortranOrder=False, version=1, inPlace=True)
    # Data that starts at an odd offset: still correct, but converted rather than mapped.
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    while (10 + len(header) + 1) % 4 != 1:
        header += " "
    add_valid("header_unaligned_data.npy", raw_npy(header, data, align=1), array,
              fortranOrder=False, version=1, inPlace=False)
    booleans = np.array([True, False, True], dtype="?")
    add_valid("header_question_mark_bool.npy",
              raw_npy("{'descr': '?', 'fortran_order': False, 'shape': (3,), }", booleans.tobytes()),
              booleans, fortranOrder=False, version=1, inPlace=False)


# ----------------------------------------------------------------------------------------
# Archives


def fixed_zip_time():
    os.environ["TZ"] = "UTC"
    time.tzset()
    return unittest.mock.patch.object(zipfile.time, "time", return_value=FIXED_TIME)


def archive_arrays():
    return {
        "weight": values_for(np.dtype("f4"), 12).reshape(3, 4),
        "bias": values_for(np.dtype("f4"), 3),
        "half": values_for(np.dtype("f2"), 6).reshape(2, 3),
        "steps": np.array(7, dtype="<i8"),
        "fortran": np.asfortranarray(values_for(np.dtype("f8"), 6).reshape(2, 3)),
    }


def record_archive(name, arrays, **details):
    path = OUT / "archives" / name
    with np.load(path, allow_pickle=False) as loaded:
        for key, array in arrays.items():
            assert np.array_equal(loaded[key], array, equal_nan=True), (name, key)
    manifest["archives"].append({
        "file": f"archives/{name}", **details,
        "arrays": {key: expected(array) for key, array in arrays.items()},
    })


def zip64_archive(arrays):
    """A stored zip whose central directory uses zip64 extras for every size and offset
    and ends with zip64 end records, as writers do for archives over 4 GiB."""
    out = bytearray()
    central = bytearray()
    dos_time, dos_date = 0, (2024 - 1980) << 9 | 1 << 5 | 1
    for key, array in arrays.items():
        name = f"{key}.npy".encode()
        data = npy_bytes(array)
        crc = zlib.crc32(data)
        offset = len(out)
        local_extra = struct.pack("<HHQQ", 1, 16, len(data), len(data))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, dos_time, dos_date, crc,
                           0xFFFFFFFF, 0xFFFFFFFF, len(name), len(local_extra)) + name + local_extra + data
        extra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), offset)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, dos_time, dos_date, crc,
                               0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + name + extra
    directory_offset = len(out)
    out += central
    zip64_end = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(arrays), len(arrays),
                       len(central), directory_offset)
    out += struct.pack("<IIQI", 0x07064B50, 0, zip64_end, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return bytes(out)


def make_archives():
    arrays = archive_arrays()
    with fixed_zip_time():
        np.savez(OUT / "archives" / "savez.npz", **arrays)
        np.savez_compressed(OUT / "archives" / "savez_compressed.npz", **arrays)
        # An archive with a non-array entry and a comment after the end record.
        np.savez_compressed(OUT / "archives" / "with_extras.npz", **arrays)
        with zipfile.ZipFile(OUT / "archives" / "with_extras.npz", "a") as archive:
            archive.writestr(zipfile.ZipInfo("config.json", time.gmtime(FIXED_TIME)[:6]), '{"format": "test"}\n')
            archive.comment = b"CaptionKit fixture comment"
    record_archive("savez.npz", arrays, method="stored")
    record_archive("savez_compressed.npz", arrays, method="deflate")
    record_archive("with_extras.npz", arrays, method="deflate", otherEntries={"config.json": '{"format": "test"}\n'})
    (OUT / "archives" / "zip64.npz").write_bytes(zip64_archive(arrays))
    with zipfile.ZipFile(OUT / "archives" / "zip64.npz") as archive:
        assert archive.testzip() is None
    record_archive("zip64.npz", arrays, method="stored")


# ----------------------------------------------------------------------------------------
# Malformed files


def add_malformed(name, data, error, numpy_rejects=True):
    path = OUT / "malformed" / name
    path.write_bytes(data)
    if numpy_rejects and name.endswith(".npy"):
        try:
            np.load(path, allow_pickle=False)
        except Exception:
            pass
        else:
            raise AssertionError(f"NumPy reads malformed fixture {name}")
    manifest["malformed"].append({"file": f"malformed/{name}", "errorContains": error})


def make_malformed_npy():
    array = values_for(np.dtype("f4"), 24).reshape(2, 3, 4)
    good = npy_bytes(array)
    data = array.astype("<f4").tobytes()
    header_end = len(good) - len(data)
    add_malformed("empty.npy", b"", "too short for the .npy magic")
    for cut in [3, 7, 9, 30, header_end - 1]:
        add_malformed(f"truncated_at_{cut}.npy", good[:cut], "too short" if cut < 10 else "runs past the end")
    for cut in [header_end, header_end + 1, len(good) - 1]:
        add_malformed(f"truncated_at_{cut}.npy", good[:cut], "needs 96")
    add_malformed("data_longer.npy", good + b"\0\0\0\0", "data is 100 bytes", numpy_rejects=False)
    add_malformed("bad_magic.npy", b"\x93NUMPZ" + good[6:], "not a .npy file")
    add_malformed("zip_magic.npy", b"PK\x03\x04" + good[4:], "not a .npy file")
    add_malformed("version_4.npy", good[:6] + b"\x04\x00" + good[8:], "unsupported .npy format version 4.0")
    add_malformed("version_1_1.npy", good[:6] + b"\x01\x01" + good[8:], "unsupported .npy format version 1.1")
    add_malformed("header_length_too_long.npy", good[:8] + struct.pack("<H", 0xFFFF) + good[10:], "runs past the end")
    add_malformed("header_length_short.npy", good[:8] + struct.pack("<H", 40) + good[10:], "not a Python literal")
    add_malformed("header_length_short_by_4.npy", good[:8] + struct.pack("<H", header_end - 10 - 4) + good[10:],
                  "data is 100 bytes", numpy_rejects=False)

    def header_case(name, text, error, numpy_rejects=True, version=1, payload=data):
        add_malformed(name, raw_npy(text, payload, version=version), error, numpy_rejects)

    header_case("shape_overflow.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }",
                "more elements than fit in 64 bits")
    header_case("shape_overflow_with_zero.npy",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4, 0), }",
                "more elements than fit in 64 bits", payload=b"")
    header_case("shape_bytes_overflow.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }",
                "needs more than")
    header_case("shape_huge_integer.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 1), }",
                "does not fit in 64 bits")
    header_case("shape_negative.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 24), }",
                "negative dimension")
    header_case("shape_list.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3, 4], }", "shape is not a tuple")
    header_case("shape_float.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2.0, 12), }", "expected ','")
    header_case("shape_bare_integer.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (24), }",
                "shape is not a tuple")
    header_case("shape_string.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': ('2', 12), }", "non-integer")
    header_case("shape_larger_than_data.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }",
                "needs 4398046511104")
    header_case("fortran_order_int.npy", "{'descr': '<f4', 'fortran_order': 1, 'shape': (2, 3, 4), }",
                "fortran_order is not True or False")
    header_case("fortran_order_string.npy", "{'descr': '<f4', 'fortran_order': 'True', 'shape': (2, 3, 4), }",
                "fortran_order is not True or False")
    header_case("descr_int.npy", "{'descr': 4, 'fortran_order': False, 'shape': (2, 3, 4), }", "unsupported dtype 4")
    header_case("missing_key.npy", "{'descr': '<f4', 'shape': (2, 3, 4), }", "header keys are")
    header_case("extra_key.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), 'x': 1}", "header keys are")
    header_case("duplicate_key.npy", "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4)}",
                "appears twice", numpy_rejects=False)
    header_case("not_a_dict.npy", "[('descr', '<f4')]", "header is not a dict")
    header_case("unterminated_string.npy", "{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3, 4), }",
                "not a Python literal")
    header_case("unbalanced_paren.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4, }",
                "not a Python literal")
    header_case("garbage_after_dict.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), } x",
                "unexpected text after the literal")
    header_case("name_not_literal.npy", "{'descr': float32, 'fortran_order': False, 'shape': (2, 3, 4), }",
                "'float32' is not a literal")
    header_case("unsupported_escape.npy", "{'descr': '<f\\x34', 'fortran_order': False, 'shape': (2, 3, 4), }",
                "unsupported escape", numpy_rejects=False)
    header_case("deep_nesting.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': " + "(" * 200 + "24"
                + ")" * 200 + ", }", "nested more than 32 levels")
    header_case("empty_header.npy", "", "expected a value")
    header_case("header_too_long.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }" + " " * 65500,
                "more than the 65536 bytes", version=2)
    # Non-ASCII bytes in a version 1.0 header, invalid UTF-8 in a version 3.0 header.
    latin = good[:header_end - 5] + b"\xe9" + good[header_end - 4:]
    add_malformed("non_ascii_v1.npy", latin, "not ASCII", numpy_rejects=False)
    v3 = raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }", data, version=3)
    add_malformed("non_utf8_v3.npy", v3[:30] + b"\xff" + v3[31:], "not UTF-8")
    # Types CaptionKit refuses, written by NumPy itself.
    refused = {
        "object.npy": (np.array([{"a": 1}, None], dtype=object), "unsupported dtype '|O'"),
        "structured.npy": (np.zeros(3, dtype=[("a", "<f4"), ("b", "<i4")]), "structured dtypes"),
        "unicode.npy": (np.array(["hello"], dtype="<U5"), "unsupported dtype '<U5'"),
        "bytes.npy": (np.array([b"abc"], dtype="S3"), "unsupported dtype '|S3'"),
        "complex.npy": (np.array([1 + 2j], dtype="<c8"), "unsupported dtype '<c8'"),
        "datetime.npy": (np.array(["2024-01-01"], dtype="<M8[s]"), "unsupported dtype '<M8[s]'"),
        "longdouble.npy": (np.array([1.5], dtype=np.longdouble), f"unsupported dtype '{np.dtype(np.longdouble).str}'"),
        "void.npy": (np.zeros(2, dtype="V4"), "unsupported dtype '|V4'"),
    }
    for name, (array, error) in refused.items():
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=True)
        add_malformed(name, buffer.getvalue(), error, numpy_rejects=False)


def make_malformed_npz():
    arrays = archive_arrays()
    stored = (OUT / "archives" / "savez.npz").read_bytes()
    deflated = (OUT / "archives" / "savez_compressed.npz").read_bytes()
    infos = zipfile.ZipFile(io.BytesIO(stored)).infolist()
    first = infos[0]
    local = first.header_offset
    name_length, extra_length = struct.unpack("<HH", stored[local + 26:local + 30])
    first_data = local + 30 + name_length + extra_length
    end = stored.rindex(b"PK\x05\x06")
    directory = struct.unpack("<I", stored[end + 16:end + 20])[0]

    def patched(source, offset, raw):
        return source[:offset] + raw + source[offset + len(raw):]

    add_malformed("not_zip.npz", bytes(RNG.integers(0, 256, 300, dtype=np.uint8)), "no zip end of central directory")
    add_malformed("tiny.npz", b"PK\x05\x06", "too short for a zip archive")
    add_malformed("truncated_half.npz", stored[: len(stored) // 2], "no zip end of central directory")
    add_malformed("truncated_tail.npz", stored[:-5], "no zip end of central directory")
    last = infos[-1]
    last_name, last_extra = struct.unpack("<HH", stored[last.header_offset + 26:last.header_offset + 30])
    last_data = last.header_offset + 30 + last_name + last_extra
    add_malformed("bad_crc.npz", patched(stored, last_data + last.file_size - 1, b"\xAA"), "CRC-32 mismatch")
    add_malformed("bad_crc_in_header.npz", patched(stored, first_data + 20, b"!"), "CRC-32 mismatch")
    deflated_info = zipfile.ZipFile(io.BytesIO(deflated)).infolist()[0]
    d_local = deflated_info.header_offset
    d_name, d_extra = struct.unpack("<HH", deflated[d_local + 26:d_local + 30])
    d_data = d_local + 30 + d_name + d_extra
    add_malformed("bad_deflate.npz", patched(deflated, d_data, b"\xFF\xFF\xFF\xFF"), "corrupt compressed data")
    add_malformed("bad_local_signature.npz", patched(stored, local, b"PK\x09\x09"), "no local file header")
    add_malformed("directory_outside.npz", patched(stored, end + 16, struct.pack("<I", len(stored) + 100)),
                  "lies outside the file")
    central_first = directory
    add_malformed("bad_central_signature.npz", patched(stored, central_first, b"PK\x09\x09"),
                  "central directory entry 0 is damaged")
    add_malformed("method_bzip2.npz", patched(stored, central_first + 10, struct.pack("<H", 12)),
                  "compression method 12 is not supported")
    add_malformed("encrypted.npz", patched(stored, central_first + 8, struct.pack("<H", 1)), "entry is encrypted")
    add_malformed("stored_size_lies.npz", patched(stored, central_first + 24, struct.pack("<I", first.file_size + 1)),
                  "stored entry has compressed size")
    d_central = deflated.rindex(b"PK\x05\x06")
    d_directory = struct.unpack("<I", deflated[d_central + 16:d_central + 20])[0]
    add_malformed("deflate_size_larger.npz",
                  patched(deflated, d_directory + 24, struct.pack("<I", deflated_info.file_size + 8)), "inflates to")
    add_malformed("deflate_size_smaller.npz",
                  patched(deflated, d_directory + 24, struct.pack("<I", deflated_info.file_size - 8)),
                  "inflates to more than")
    add_malformed("deflate_size_implausible.npz",
                  patched(deflated, d_directory + 24, struct.pack("<I", 0xFFFFFFF0)), "more than DEFLATE can produce")
    add_malformed("local_name_differs.npz", patched(stored, local + 30, b"X"), "names a different entry")
    add_malformed("zip64_missing.npz", patched(stored, end + 16, b"\xFF\xFF\xFF\xFF"), "zip64 end of central directory record is missing")
    zip64 = (OUT / "archives" / "zip64.npz").read_bytes()
    locator = zip64.rindex(b"PK\x06\x07")
    add_malformed("zip64_bad_locator.npz", patched(zip64, locator + 8, struct.pack("<Q", 3)),
                  "zip64 end of central directory record is damaged")
    z_directory = struct.unpack("<Q", zip64[zip64.rindex(b"PK\x06\x06") + 48:][:8])[0]
    add_malformed("zip64_extra_truncated.npz", patched(zip64, z_directory + 30, struct.pack("<H", 0)),
                  "damaged zip64 extra field")
    add_malformed("multi_disk.npz", patched(stored, end + 4, struct.pack("<H", 1)), "multi-disk")
    with fixed_zip_time():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("twice.npy", npy_bytes(arrays["bias"]))
            with unittest.mock.patch("warnings.warn"):
                archive.writestr("twice.npy", npy_bytes(arrays["bias"]))
        add_malformed("duplicate_entry.npz", buffer.getvalue(), "appears twice")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("good.npy", npy_bytes(arrays["bias"]))
            object_array = io.BytesIO()
            np.save(object_array, np.array([None], dtype=object), allow_pickle=True)
            archive.writestr("pickled.npy", object_array.getvalue())
        add_malformed("entry_object_array.npz", buffer.getvalue(), "unsupported dtype '|O'")


# ----------------------------------------------------------------------------------------
# A tiny model bundle, as a directory and as one archive


def make_bundle():
    directory = OUT / "bundle"
    directory.mkdir()
    tensors = {
        "encoder.features.0.weight": values_for(np.dtype("f4"), 4 * 3 * 3 * 3).reshape(4, 3, 3, 3),
        "encoder.features.0.bias": values_for(np.dtype("f4"), 4),
        "encoder.features.1.num_batches_tracked": np.array(12345, dtype="<i8"),
        "decoder.embedding.weight": values_for(np.dtype("f2"), 24).reshape(6, 4),
        "decoder.fc.weight": values_for(np.dtype("f8"), 12).astype(">f8").reshape(3, 4),
    }
    for key, array in tensors.items():
        np.save(directory / f"{key}.npy", array)
    config = '{"format": "show-attend-tell/1"}\n'
    vocabulary = '{"<pad>": 0, "<start>": 1, "<end>": 2, "<unk>": 3}\n'
    (directory / "config.json").write_text(config)
    (directory / "vocab.json").write_text(vocabulary)
    (directory / "._decoder.fc.weight.npy").write_bytes(b"\x00\x05\x16\x07 macOS resource fork, not an array")
    with fixed_zip_time():
        np.savez_compressed(OUT / "bundle.npz", **tensors)
        with zipfile.ZipFile(OUT / "bundle.npz", "a") as archive:
            archive.writestr(zipfile.ZipInfo("config.json", time.gmtime(FIXED_TIME)[:6]), config)
            archive.writestr(zipfile.ZipInfo("vocab.json", time.gmtime(FIXED_TIME)[:6]), vocabulary)
    manifest["bundle"] = {
        "directory": "bundle", "archive": "bundle.npz", "files": {"config.json": config, "vocab.json": vocabulary},
        "tensors": {key: {"descr": array.dtype.str, **expected(array)} for key, array in tensors.items()},
    }


# ----------------------------------------------------------------------------------------
# Files np.save wrote, for the writer's byte-for-byte test


def padding_edge_shape():
    """A shape whose header needs a full 64 bytes of padding (NumPy's padlen == 64): the
    dict text plus its newline already ends on a 64-byte boundary."""
    for rank in range(1, 65):
        shape = (1,) * rank
        text = f"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape!r}, }}" + " " * (21 - len(repr(shape[0])))
        if (10 + len(text) + 1) % 64 == 0:
            header = npy_bytes(np.zeros(shape, dtype="<f4"))[:-4]  # without the one element
            assert header[-65:] == b" " * 64 + b"\n"
            return shape
    raise AssertionError("no shape needs 64 bytes of padding")


def make_writer_files():
    floats = [(), (0,), (7,), (2, 3), (2, 3, 4), (1, 2, 1, 2, 1), (12345678901234567, 0), padding_edge_shape()]
    for shape in floats:
        count = int(np.prod(shape, dtype=np.int64))
        array = values_for(np.dtype("f4"), count).reshape(shape)
        name = "float32_" + ("x".join(map(str, shape)) or "scalar") + ".npy"
        np.save(OUT / "writer" / name, array)
        manifest["writer"].append({"file": f"writer/{name}", "descr": "<f4", **expected(array)})
    for shape in [(), (4,), (2, 2)]:
        count = int(np.prod(shape, dtype=np.int64))
        array = values_for(np.dtype("i8"), count).reshape(shape)
        name = "int64_" + ("x".join(map(str, shape)) or "scalar") + ".npy"
        np.save(OUT / "writer" / name, array)
        manifest["writer"].append({"file": f"writer/{name}", "descr": "<i8", **expected(array)})
    # Just the header NumPy writes for the 100 MB memory-map test's array.
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f4", "fortran_order": False, "shape": (26214400,)})
    big = buffer.getvalue()
    (OUT / "writer" / "header_float32_26214400.bin").write_bytes(big)
    manifest["writerHeaders"] = [{"file": "writer/header_float32_26214400.bin", "descr": "<f4", "shape": [26214400]}]


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    for sub in ["valid", "archives", "malformed", "writer"]:
        (OUT / sub).mkdir(parents=True)
    make_valid_arrays()
    make_handmade_headers()
    make_archives()
    make_malformed_npy()
    make_malformed_npz()
    make_bundle()
    make_writer_files()
    # One record per line: readable diffs without a 70 KB pretty-printed file.
    sections = []
    for key in sorted(manifest):
        value = manifest[key]
        if isinstance(value, list):
            items = ",\n  ".join(json.dumps(item, sort_keys=True) for item in value)
            sections.append(f' "{key}": [\n  {items}\n ]')
        else:
            sections.append(f' "{key}": {json.dumps(value, sort_keys=True)}')
    (OUT / "manifest.json").write_text("{\n" + ",\n".join(sections) + "\n}\n")
    total = sum(f.stat().st_size for f in OUT.rglob("*") if f.is_file())
    print(f"wrote {sum(1 for f in OUT.rglob('*') if f.is_file())} files, {total} bytes, into {OUT}")


if __name__ == "__main__":
    main()
