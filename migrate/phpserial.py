"""Decode and encode PHP ``serialize()`` strings without executing anything.

WordPress stores arrays and objects in postmeta, termmeta, commentmeta and
options as PHP ``serialize()`` output, and WXR exports carry those raw
database strings.  This module turns them into plain Python values:

=====================  ==========================================
PHP                    Python
=====================  ==========================================
``N;``                 ``None``
``b:0;`` / ``b:1;``    ``bool``
``i:42;``              ``int``
``d:0.5;``             ``float`` (``INF``, ``-INF``, ``NAN`` too)
``s:3:"abc";``         ``str`` (``bytes`` when not valid UTF-8)
``S:3:"\\61bc";``      ``str`` (escaped-string form)
``a:N:{...}``          ``dict`` with ``int``/``str`` keys, in order
``O:..:"Cls":N:{..}``  :class:`PhpObject` (never instantiated)
``C:..:"Cls":N:{..}``  :class:`PhpCustomObject` (payload kept raw)
``r:N;`` / ``R:N;``    :class:`PhpReference` (kept symbolically)
``E:..:"Cls:Case";``   :class:`PhpEnum`
=====================  ==========================================

Arrays always come back as dicts so that nothing is lost (PHP arrays are
ordered maps); :func:`as_list` turns a list-shaped dict into a list.

Safety: the decoder is iterative, so nesting depth never touches the Python
stack; depth, total input size, declared lengths and declared element counts
are checked against limits *before* anything is built.  String lengths are
counted in bytes of the UTF-8 encoding, exactly as PHP counts them.

Exports whose database was re-encoded after the value was written carry
wrong ``s:`` lengths.  PHP's ``unserialize()`` (and so WordPress's
``maybe_unserialize()``) gives up on them; :func:`loads` raises
:class:`PhpSerialError` too unless ``repair=True``, which locates the end of
each string from the ``";`` terminator instead and so recomputes the length.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = [
    "PhpSerialError",
    "PhpObject",
    "PhpCustomObject",
    "PhpReference",
    "PhpEnum",
    "loads",
    "dumps",
    "repair",
    "is_serialized",
    "as_list",
]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


class PhpSerialError(ValueError):
    """A serialized value could not be decoded.

    ``pos`` is the byte offset (in the UTF-8 encoding of the input) where the
    problem was found; ``str()`` includes it.
    """

    def __init__(self, message: str, pos: int | None = None) -> None:
        self.message = message
        self.pos = pos
        super().__init__(f"{message} at byte {pos}" if pos is not None else message)


@dataclass
class PhpObject:
    """An ``O:`` object: class name and properties, never instantiated.

    Property names are kept exactly as PHP writes them, so protected ones
    start with ``"\\0*\\0"`` and private ones with ``"\\0Class\\0"``.
    """

    class_name: str
    props: dict[Any, Any] = field(default_factory=dict)


@dataclass
class PhpCustomObject:
    """A ``C:`` object (``Serializable`` class): the payload is kept raw."""

    class_name: str
    data: str


@dataclass(frozen=True)
class PhpReference:
    """An ``r:`` (value copy) or ``R:`` (PHP reference) back-reference.

    ``index`` is PHP's 1-based number of the referenced value slot.
    """

    index: int
    kind: str = "r"


@dataclass(frozen=True)
class PhpEnum:
    """An ``E:`` enum case (PHP 8.1+)."""

    class_name: str
    case: str


# --------------------------------------------------------------------------
# is_serialized: port of WordPress's is_serialized() (wp-includes/functions.php)

_PHP_TRIM = " \t\n\r\0\x0b"
_RE_SCALAR_STRICT = {t: re.compile(rf"{t}:[0-9.E+-]+;\n?\Z") for t in "bid"}
_RE_SCALAR_LOOSE = {t: re.compile(rf"{t}:[0-9.E+-]+;") for t in "bid"}
_RE_SIZED = {t: re.compile(rf"{t}:[0-9]+:", re.S) for t in "saOE"}


def is_serialized(data: Any, strict: bool = True) -> bool:
    """Return whether WordPress would treat ``data`` as serialized.

    A faithful port of ``is_serialized()`` from WordPress 6.1+ (with enum
    support), including its quirks: it only looks at the shape of the
    string, so ``True`` does not promise that PHP can decode it, and it does
    not recognise ``C:``, ``r:`` or ``R:`` values.
    """
    if not isinstance(data, str):
        return False
    data = data.strip(_PHP_TRIM)
    if data == "N;":
        return True
    if len(data) < 4:
        return False
    if data[1] != ":":
        return False
    if strict:
        if data[-1] not in ";}":
            return False
    else:
        semicolon = data.find(";")
        brace = data.find("}")
        if semicolon == -1 and brace == -1:
            return False
        if semicolon != -1 and semicolon < 3:
            return False
        if brace != -1 and brace < 4:
            return False
    token = data[0]
    if token == "s":
        if strict:
            if data[-2] != '"':
                return False
        elif '"' not in data:
            return False
        return bool(_RE_SIZED["s"].match(data))
    if token in "aOE":
        return bool(_RE_SIZED[token].match(data))
    if token in "bid":
        rx = _RE_SCALAR_STRICT if strict else _RE_SCALAR_LOOSE
        return bool(rx[token].match(data))
    return False


# --------------------------------------------------------------------------
# Decoder

_RE_INT = re.compile(rb"[+-]?[0-9]+")
_RE_UINT = re.compile(rb"[0-9]+")
_RE_BOOL = re.compile(rb"[01]")
_RE_FLOAT = re.compile(
    rb"(?:NAN|-?INF|[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
)
_RE_CLASS = re.compile(rb"[A-Za-z_\x80-\xff\\][A-Za-z0-9_\x80-\xff\\]*\Z")
# What may follow the end of a string value: end of input, the closing brace
# of a container, or the start of the next key/value.
_RE_AFTER_STRING = re.compile(rb'\Z|\}|N;|[bidsSaOCrRE]:')


class _Frame:
    __slots__ = ("container", "remaining", "key", "want_key", "kind", "start")

    def __init__(self, container: Any, remaining: int, kind: str, start: int) -> None:
        self.container = container
        self.remaining = remaining
        self.key: Any = None
        self.want_key = True
        self.kind = kind  # "a" array, "O" object
        self.start = start


class _Decoder:
    def __init__(
        self,
        buf: bytes,
        *,
        max_depth: int,
        max_items: int,
        repair: bool,
    ) -> None:
        self.buf = buf
        self.n = len(buf)
        self.pos = 0
        self.max_depth = max_depth
        self.max_items = max_items
        self.items = 0
        self.repair = repair

    # -- small readers -----------------------------------------------------

    def fail(self, message: str, pos: int | None = None) -> PhpSerialError:
        return PhpSerialError(message, self.pos if pos is None else pos)

    def expect(self, lit: bytes) -> None:
        if self.buf.startswith(lit, self.pos):
            self.pos += len(lit)
            return
        if self.pos >= self.n:
            raise self.fail(f"truncated input: expected {lit.decode()!r}")
        got = self.buf[self.pos : self.pos + len(lit)]
        raise self.fail(f"expected {lit.decode()!r}, found {got.decode('utf-8', 'replace')!r}")

    def read_re(self, rx: re.Pattern[bytes], what: str) -> bytes:
        m = rx.match(self.buf, self.pos)
        if not m or m.end() == self.pos:
            if self.pos >= self.n:
                raise self.fail(f"truncated input: expected {what}")
            raise self.fail(f"expected {what}")
        self.pos = m.end()
        return m.group()

    def read_uint(self, what: str) -> int:
        start = self.pos
        digits = self.read_re(_RE_UINT, what)
        if len(digits) > 19:
            raise self.fail(f"{what} too large", start)
        value = int(digits)
        if value > INT64_MAX:
            raise self.fail(f"{what} too large", start)
        return value

    def read_len(self, what: str) -> int:
        """A declared byte length; refused if it cannot fit in the input."""
        start = self.pos
        length = self.read_uint(what)
        if length > self.n - self.pos:
            raise self.fail(
                f"declared {what} {length} exceeds the {self.n - self.pos} bytes left", start
            )
        return length

    def read_count(self) -> int:
        start = self.pos
        count = self.read_uint("element count")
        # Every element needs at least "i:0;N;" (6 bytes) and the container "}".
        if count > self.max_items - self.items:
            raise self.fail(f"declared element count {count} exceeds max_items", start)
        if count * 6 > self.n - self.pos:
            raise self.fail(
                f"declared element count {count} cannot fit in the {self.n - self.pos} bytes left",
                start,
            )
        self.items += count
        return count

    def read_raw_string(self, declared: int) -> bytes:
        """Read ``"<bytes>"`` whose length was declared; cursor is on ``"``."""
        self.expect(b'"')
        start = self.pos
        end = start + declared
        if self.buf.startswith(b'";', end) and (
            not self.repair or _RE_AFTER_STRING.match(self.buf, end + 2)
        ):
            self.pos = end + 1
            return self.buf[start:end]
        if not self.repair:
            if end >= self.n:
                raise self.fail("truncated input inside a string", start)
            raise self.fail(
                f"string length {declared} does not match its content "
                "(re-encoded data? try repair=True)",
                start - 1,
            )
        return self.repair_string(start, declared)

    def repair_string(self, start: int, declared: int) -> bytes:
        # First guess: the declared length counts characters, not bytes
        # (latin-1 database later converted to UTF-8, or the reverse).
        text_end = self.scan_chars(start, declared)
        if text_end is not None and self.buf.startswith(b'";', text_end):
            if _RE_AFTER_STRING.match(self.buf, text_end + 2):
                self.pos = text_end + 1
                return self.buf[start:text_end]
        # Otherwise the first '";' that is followed by something plausible.
        search = start
        while True:
            p = self.buf.find(b'";', search)
            if p < 0:
                raise self.fail("unterminated string (repair found no end)", start)
            if _RE_AFTER_STRING.match(self.buf, p + 2):
                self.pos = p + 1
                return self.buf[start:p]
            search = p + 1

    def scan_chars(self, start: int, count: int) -> int | None:
        try:
            text = self.buf[start:].decode("utf-8", "strict")
        except UnicodeDecodeError:
            return None
        if count > len(text):
            return None
        return start + len(text[:count].encode("utf-8"))

    @staticmethod
    def text(raw: bytes) -> str | bytes:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw

    def read_class_name(self) -> str:
        start = self.pos
        length = self.read_len("class name length")
        self.expect(b':"')
        raw = self.buf[self.pos : self.pos + length]
        self.pos += length
        self.expect(b'"')
        if not _RE_CLASS.match(raw):
            raise self.fail(f"invalid class name {raw.decode('utf-8', 'replace')!r}", start)
        return raw.decode("utf-8", "replace")

    # -- the value reader ----------------------------------------------------

    def scalar_or_open(self, stack: list[_Frame], is_key: bool) -> tuple[bool, Any]:
        """Read one value.  Returns (True, value) for a finished value or
        (False, None) after pushing a new container frame."""
        buf, p = self.buf, self.pos
        if p >= self.n:
            raise self.fail("truncated input: expected a value")
        tag = buf[p : p + 1]
        if is_key and tag not in (b"i", b"s", b"S"):
            raise self.fail("array key must be an integer or a string")
        if tag == b"N":
            self.expect(b"N;")
            return True, None
        if tag not in b"bidsSaOCrRE" or buf[p + 1 : p + 2] != b":":
            raise self.fail(f"unknown type {tag.decode('utf-8', 'replace')!r}")
        self.pos = p + 2
        if tag == b"b":
            v = self.read_re(_RE_BOOL, "0 or 1")
            self.expect(b";")
            return True, v == b"1"
        if tag == b"i":
            start = self.pos
            digits = self.read_re(_RE_INT, "an integer")
            if len(digits.lstrip(b"+-").lstrip(b"0")) > 19:  # before int(): no huge parse
                raise self.fail("integer out of 64-bit range", start)
            value = int(digits)
            if not INT64_MIN <= value <= INT64_MAX:
                raise self.fail("integer out of 64-bit range", start)
            self.expect(b";")
            return True, value
        if tag == b"d":
            raw = self.read_re(_RE_FLOAT, "a float")
            self.expect(b";")
            if raw == b"NAN":
                return True, math.nan
            if raw == b"INF":
                return True, math.inf
            if raw == b"-INF":
                return True, -math.inf
            return True, float(raw)
        if tag == b"s":
            length = self.read_len("string length") if not self.repair else self.read_uint("string length")
            self.expect(b":")
            raw = self.read_raw_string(length)
            self.expect(b";")
            return True, self.text(raw)
        if tag == b"S":
            length = self.read_uint("string length")
            self.expect(b':"')
            out = bytearray()
            while len(out) < length:
                if self.pos >= self.n:
                    raise self.fail("truncated input inside a string")
                c = buf[self.pos]
                if c == 0x5C:  # backslash: two hex digits follow
                    hx = buf[self.pos + 1 : self.pos + 3]
                    if not re.fullmatch(rb"[0-9a-fA-F]{2}", hx):
                        raise self.fail("invalid escape in S: string")
                    out.append(int(hx, 16))
                    self.pos += 3
                else:
                    out.append(c)
                    self.pos += 1
            self.expect(b'";')
            return True, self.text(bytes(out))
        if tag in (b"r", b"R"):
            start = self.pos
            index = self.read_uint("reference index")
            if index < 1:
                raise self.fail("reference index must be positive", start)
            self.expect(b";")
            return True, PhpReference(index, tag.decode())
        if tag == b"E":
            start = self.pos
            length = self.read_len("enum length")
            self.expect(b':"')
            raw = buf[self.pos : self.pos + length]
            self.pos += length
            self.expect(b'";')
            cls, sep, case = raw.decode("utf-8", "replace").partition(":")
            if not sep or not cls or not case:
                raise self.fail("enum value must be Class:Case", start)
            return True, PhpEnum(cls, case)
        # Containers: a, O, C
        if len(stack) >= self.max_depth:
            raise self.fail(f"nesting deeper than max_depth={self.max_depth}")
        if tag == b"a":
            start = self.pos - 2
            count = self.read_count()
            self.expect(b":{")
            container: dict[Any, Any] = {}
            stack.append(_Frame(container, count, "a", start))
            return False, None
        if tag == b"O":
            start = self.pos - 2
            cls = self.read_class_name()
            self.expect(b":")
            count = self.read_count()
            self.expect(b":{")
            obj = PhpObject(cls, {})
            stack.append(_Frame(obj, count, "O", start))
            return False, None
        # C:
        cls = self.read_class_name()
        self.expect(b":")
        length = self.read_len("payload length")
        self.expect(b":{")
        raw = buf[self.pos : self.pos + length]
        self.pos += length
        self.expect(b"}")
        data = self.text(raw)
        return True, PhpCustomObject(cls, data if isinstance(data, str) else raw.decode("latin-1"))

    def run(self) -> Any:
        stack: list[_Frame] = []
        done, value = self.scalar_or_open(stack, False)
        if done:
            return value
        root = stack[0].container
        while stack:
            frame = stack[-1]
            if frame.remaining == 0 and frame.want_key:
                self.expect(b"}")
                stack.pop()
                continue
            if frame.want_key:
                done, key = self.scalar_or_open(stack, True)
                frame.key = key
                frame.want_key = False
                continue
            done, value = self.scalar_or_open(stack, False)
            if not done:
                child = stack[-1]
                value = child.container
            target = frame.container.props if frame.kind == "O" else frame.container
            target[frame.key] = value
            frame.remaining -= 1
            frame.want_key = True
        return root


def loads(
    s: str | bytes,
    *,
    max_depth: int = 64,
    max_length: int = 10_000_000,
    max_items: int = 1_000_000,
    repair: bool = False,
) -> Any:
    """Decode one PHP-serialized value.  Never executes or instantiates.

    Leading/trailing whitespace is ignored (``maybe_unserialize`` trims too);
    anything else after the value is an error.  Raises :class:`PhpSerialError`
    on malformed input or when a limit is exceeded.
    """
    if isinstance(s, str):
        buf = s.encode("utf-8", "surrogatepass")
    elif isinstance(s, (bytes, bytearray)):
        buf = bytes(s)
    else:
        raise TypeError(f"loads() expects str or bytes, not {type(s).__name__}")
    if len(buf) > max_length:
        raise PhpSerialError(f"input of {len(buf)} bytes exceeds max_length={max_length}", 0)
    buf = buf.strip(_PHP_TRIM.encode())
    if not buf:
        raise PhpSerialError("empty input", 0)
    dec = _Decoder(buf, max_depth=max_depth, max_items=max_items, repair=repair)
    value = dec.run()
    if dec.pos != dec.n:
        raise dec.fail("unexpected data after the value")
    return value


def repair(s: str) -> str:
    """Return ``s`` re-serialized with string lengths recomputed."""
    return dumps(loads(s, repair=True))


def as_list(value: dict[Any, Any]) -> list[Any]:
    """Turn a decoded PHP array whose keys are 0..N-1 in order into a list.

    Raises :class:`ValueError` when the keys are not exactly that.
    """
    if not isinstance(value, dict):
        raise TypeError("as_list() expects a decoded PHP array (dict)")
    for i, key in enumerate(value):
        if type(key) is not int or key != i:
            raise ValueError(f"not a list: key {key!r} at position {i}")
    return list(value.values())


# --------------------------------------------------------------------------
# Encoder


def _format_float(x: float) -> str:
    """Format like PHP >= 7.1 ``serialize()`` (serialize_precision = -1)."""
    if math.isnan(x):
        return "NAN"
    if math.isinf(x):
        return "INF" if x > 0 else "-INF"
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    sign, digit_tuple, exponent = Decimal(repr(x)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    # Value = 0.<digits> * 10**decpt, as zend_dtoa reports it.
    decpt = len(digit_tuple) + int(exponent)
    neg = "-" if sign else ""
    if decpt < -3 or decpt > 17:
        e = decpt - 1
        mantissa = digits[0] + "." + (digits[1:] or "0")
        return f"{neg}{mantissa}E{'-' if e < 0 else '+'}{abs(e)}"
    if decpt <= 0:
        return f"{neg}0.{'0' * -decpt}{digits}"
    if len(digits) <= decpt:
        return neg + digits + "0" * (decpt - len(digits))
    return f"{neg}{digits[:decpt]}.{digits[decpt:]}"


def _str_token(value: str | bytes) -> str:
    if isinstance(value, (bytes, bytearray)):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise PhpSerialError("bytes that are not UTF-8 cannot be written to a str") from None
    return f's:{len(value.encode("utf-8", "surrogatepass"))}:"{value}";'


def dumps(value: Any) -> str:
    """Encode ``value`` the way PHP's ``serialize()`` would.

    Accepts what :func:`loads` returns, plus lists and tuples (written as
    arrays with keys 0..N-1).  ``bytes`` that are not UTF-8 cannot be carried
    in a ``str`` result and raise :class:`PhpSerialError`.
    """
    out: list[str] = []
    # Explicit stack of pending work so deep values do not recurse.
    work: list[Any] = [("v", value, 0)]
    while work:
        op, item, depth = work.pop()
        if op == "s":
            out.append(item)
            continue
        v = item
        if depth > 10_000:
            raise PhpSerialError("value nested too deeply to serialize")
        if v is None:
            out.append("N;")
        elif v is True or v is False:
            out.append(f"b:{int(v)};")
        elif isinstance(v, int):
            if not INT64_MIN <= v <= INT64_MAX:
                raise PhpSerialError(f"integer {v} does not fit PHP's 64-bit int")
            out.append(f"i:{v};")
        elif isinstance(v, float):
            out.append(f"d:{_format_float(v)};")
        elif isinstance(v, str):
            out.append(_str_token(v))
        elif isinstance(v, (bytes, bytearray)):
            out.append(_str_token(v))
        elif isinstance(v, PhpReference):
            out.append(f"{'R' if v.kind == 'R' else 'r'}:{v.index};")
        elif isinstance(v, PhpEnum):
            body = f"{v.class_name}:{v.case}"
            out.append(f'E:{len(body.encode())}:"{body}";')
        elif isinstance(v, PhpCustomObject):
            cls = v.class_name
            out.append(f'C:{len(cls.encode())}:"{cls}":{len(v.data.encode("utf-8", "surrogatepass"))}:{{{v.data}}}')
        elif isinstance(v, (dict, list, tuple, PhpObject)):
            if isinstance(v, PhpObject):
                pairs = list(v.props.items())
                head = f'O:{len(v.class_name.encode())}:"{v.class_name}":{len(pairs)}:{{'
            else:
                pairs = list(v.items()) if isinstance(v, dict) else list(enumerate(v))
                head = f"a:{len(pairs)}:{{"
            out.append(head)
            work.append(("s", "}", depth))
            for k, val in reversed(pairs):
                if type(k) is bool or not isinstance(k, (int, str, bytes)):
                    raise PhpSerialError(f"array key {k!r} must be int or str")
                work.append(("v", val, depth + 1))
                work.append(("s", f"i:{k};" if isinstance(k, int) else _str_token(k), depth))
        else:
            raise PhpSerialError(f"cannot serialize {type(v).__name__}")
    return "".join(out)
