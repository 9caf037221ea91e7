"""A small, valid MP4 video: what a mocked video model (Nova Reel) writes to S3.

The file is an ISO base media file (``ftyp``, ``moov``, ``mdat``) holding one H.264
Constrained Baseline track at the requested size and frame rate: one intra frame in which
every macroblock is DC-predicted with no residual (a flat grey picture), then predicted
frames that skip every macroblock. Each macroblock of the intra frame costs one byte and
each later frame a few, so even a two-minute video is some tens of kilobytes. Decoders
and players accept it; the same arguments always give the same bytes.
"""

from __future__ import annotations

import struct

__all__ = ["mp4_video"]

_PROFILE_BASELINE = 66
_CONSTRAINTS = 0xC0  # constraint_set0 and constraint_set1: Constrained Baseline
_LEVEL = 40  # level 4.0: 1920x1080 at 30 fps fits, so every Nova Reel size does


class _Bits:
    """An H.264 RBSP writer: fixed-width and Exp-Golomb codes, then trailing bits."""

    def __init__(self) -> None:
        self._bits: list[int] = []

    def u(self, width: int, value: int) -> _Bits:
        self._bits.extend((value >> shift) & 1 for shift in range(width - 1, -1, -1))
        return self

    def ue(self, value: int) -> _Bits:
        code = value + 1
        self._bits.extend([0] * (code.bit_length() - 1))
        return self.u(code.bit_length(), code)

    def se(self, value: int) -> _Bits:
        return self.ue(2 * value - 1 if value > 0 else -2 * value)

    def raw(self, bits: list[int]) -> _Bits:
        self._bits.extend(bits)
        return self

    def rbsp(self) -> bytes:
        bits = [*self._bits, 1]
        bits.extend([0] * (-len(bits) % 8))
        return bytes(int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8))


def _nal(ref_idc: int, kind: int, rbsp: bytes) -> bytes:
    """A NAL unit: header byte, then the payload with emulation prevention bytes."""
    out = bytearray([(ref_idc << 5) | kind])
    zeros = 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def _sps(width_mbs: int, height_mbs: int) -> bytes:
    bits = (
        _Bits()
        .u(8, _PROFILE_BASELINE)
        .u(8, _CONSTRAINTS)
        .u(8, _LEVEL)
        .ue(0)  # seq_parameter_set_id
        .ue(0)  # log2_max_frame_num_minus4: frame_num is 4 bits
        .ue(2)  # pic_order_cnt_type 2: output order is decoding order
        .ue(1)  # max_num_ref_frames
        .u(1, 0)  # gaps_in_frame_num_value_allowed_flag
        .ue(width_mbs - 1)
        .ue(height_mbs - 1)
        .u(1, 1)  # frame_mbs_only_flag
        .u(1, 1)  # direct_8x8_inference_flag
        .u(1, 0)  # frame_cropping_flag
        .u(1, 0)  # vui_parameters_present_flag
    )
    return _nal(3, 7, bits.rbsp())


def _pps() -> bytes:
    bits = (
        _Bits()
        .ue(0)  # pic_parameter_set_id
        .ue(0)  # seq_parameter_set_id
        .u(1, 0)  # entropy_coding_mode_flag: CAVLC
        .u(1, 0)  # bottom_field_pic_order_in_frame_present_flag
        .ue(0)  # num_slice_groups_minus1
        .ue(0)  # num_ref_idx_l0_default_active_minus1
        .ue(0)  # num_ref_idx_l1_default_active_minus1
        .u(1, 0)  # weighted_pred_flag
        .u(2, 0)  # weighted_bipred_idc
        .se(0)  # pic_init_qp_minus26
        .se(0)  # pic_init_qs_minus26
        .se(0)  # chroma_qp_index_offset
        .u(1, 0)  # deblocking_filter_control_present_flag
        .u(1, 0)  # constrained_intra_pred_flag
        .u(1, 0)  # redundant_pic_cnt_present_flag
    )
    return _nal(3, 8, bits.rbsp())


# One intra macroblock: mb_type I_16x16_2_0_0 (DC prediction, no coded residual), chroma
# DC prediction, mb_qp_delta 0, and an empty Intra16x16 DC block (coeff_token for nC 0).
_GREY_MACROBLOCK = [0, 0, 1, 0, 0, 1, 1, 1]


def _idr_slice(macroblocks: int) -> bytes:
    bits = (
        _Bits()
        .ue(0)  # first_mb_in_slice
        .ue(7)  # slice_type: I (every slice of the picture)
        .ue(0)  # pic_parameter_set_id
        .u(4, 0)  # frame_num
        .ue(0)  # idr_pic_id
        .u(1, 0)  # no_output_of_prior_pics_flag
        .u(1, 0)  # long_term_reference_flag
        .se(0)  # slice_qp_delta
    )
    bits.raw(_GREY_MACROBLOCK * macroblocks)
    return _nal(3, 5, bits.rbsp())


def _skip_slice(frame_num: int, macroblocks: int) -> bytes:
    bits = (
        _Bits()
        .ue(0)  # first_mb_in_slice
        .ue(5)  # slice_type: P (every slice of the picture)
        .ue(0)  # pic_parameter_set_id
        .u(4, frame_num % 16)
        .u(1, 0)  # num_ref_idx_active_override_flag
        .u(1, 0)  # ref_pic_list_modification_flag_l0
        .u(1, 0)  # adaptive_ref_pic_marking_mode_flag: sliding window
        .se(0)  # slice_qp_delta
        .ue(macroblocks)  # mb_skip_run: the whole picture repeats the last one
    )
    return _nal(2, 1, bits.rbsp())


def _box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I", 8 + len(body)) + kind + body


def _full_box(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *payload)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def _moov(
    width: int,
    height: int,
    fps: int,
    frames: int,
    sizes: list[int],
    sps: bytes,
    pps: bytes,
    data_offset: int,
) -> bytes:
    media_timescale = fps * 512
    movie_ms = frames * 1000 // fps
    mvhd = _full_box(
        b"mvhd", 0, 0,
        struct.pack(">IIII", 0, 0, 1000, movie_ms),
        struct.pack(">IH", 0x10000, 0x100), bytes(10), _MATRIX, bytes(24),
        struct.pack(">I", 2),
    )  # fmt: skip
    tkhd = _full_box(
        b"tkhd", 0, 3,
        struct.pack(">IIIII", 0, 0, 1, 0, movie_ms), bytes(8),
        struct.pack(">hhhH", 0, 0, 0, 0), _MATRIX,
        struct.pack(">II", width << 16, height << 16),
    )  # fmt: skip
    mdhd = _full_box(
        b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, media_timescale, frames * 512, 0x55C4, 0)
    )
    hdlr = _full_box(b"hdlr", 0, 0, bytes(4), b"vide", bytes(12), b"VideoHandler\0")
    avcc = _box(
        b"avcC",
        bytes([1, _PROFILE_BASELINE, _CONSTRAINTS, _LEVEL, 0xFF, 0xE1]),
        struct.pack(">H", len(sps)), sps, bytes([1]), struct.pack(">H", len(pps)), pps,
    )  # fmt: skip
    avc1 = _box(
        b"avc1",
        bytes(6), struct.pack(">H", 1), bytes(16),
        struct.pack(">HHIII", width, height, 0x480000, 0x480000, 0),
        struct.pack(">H", 1), bytes(32), struct.pack(">Hh", 0x18, -1), avcc,
    )  # fmt: skip
    stbl = _box(
        b"stbl",
        _full_box(b"stsd", 0, 0, struct.pack(">I", 1), avc1),
        _full_box(b"stts", 0, 0, struct.pack(">III", 1, frames, 512)),
        _full_box(b"stss", 0, 0, struct.pack(">II", 1, 1)),
        _full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, frames, 1)),
        _full_box(b"stsz", 0, 0, struct.pack(f">II{frames}I", 0, frames, *sizes)),
        _full_box(b"stco", 0, 0, struct.pack(">II", 1, data_offset)),
    )  # fmt: skip
    dinf = _box(b"dinf", _full_box(b"dref", 0, 0, struct.pack(">I", 1), _full_box(b"url ", 0, 1)))
    minf = _box(b"minf", _full_box(b"vmhd", 0, 1, bytes(8)), dinf, stbl)
    trak = _box(b"trak", tkhd, _box(b"mdia", mdhd, hdlr, minf))
    return _box(b"moov", mvhd, trak)


def mp4_video(width: int = 1280, height: int = 720, fps: int = 24, seconds: int = 6) -> bytes:
    """An MP4 file of ``seconds`` of flat grey video at ``width`` x ``height`` pixels."""
    if width % 16 or height % 16 or width <= 0 or height <= 0:
        raise ValueError("width and height must be positive multiples of 16")
    if fps <= 0 or seconds <= 0:
        raise ValueError("fps and seconds must be positive")
    macroblocks = (width // 16) * (height // 16)
    sps, pps = _sps(width // 16, height // 16), _pps()
    frames = fps * seconds
    samples = [_idr_slice(macroblocks)] + [_skip_slice(n, macroblocks) for n in range(1, frames)]
    # Each sample is its NAL units, each preceded by its 4-byte length.
    data = [struct.pack(">I", len(nal)) + nal for nal in samples]
    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 512), b"isomiso2avc1mp41")
    sizes = [len(sample) for sample in data]
    moov = _moov(width, height, fps, frames, sizes, sps, pps, 0)
    offset = len(ftyp) + len(moov) + 8
    moov = _moov(width, height, fps, frames, sizes, sps, pps, offset)
    return ftyp + moov + _box(b"mdat", *data)
