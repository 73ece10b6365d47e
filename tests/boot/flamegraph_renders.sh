# The flame graph opens in a browser: Debian's Chromium, headless and with no
# network, renders the SVG that --flamegraph wrote to a PNG, and the picture
# is not blank: its pixels (decoded here with python3's zlib, PNG filters
# undone) hold the background and at least four frame colours, with the
# frames' colours over a fair share of its top rows.
. tests/boot/common.inc
command -v chromium >/dev/null || fail "chromium is missing: run 'make setup'"
command -v python3 >/dev/null || fail "python3 is missing: run 'make setup'"
clang-19 -static -O1 -fno-omit-frame-pointer -o "$TMP/hot" tests/see/hot.c || fail "clang failed"
run ./bareflow run --timeout 300 --flamegraph "$TMP/fg.svg" "$TMP/hot" 300000
expect_status 0
[ -s "$TMP/fg.svg" ] || fail "no flame graph"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$TMP/chromium" --window-size=1200,700 --screenshot="$TMP/fg.png" \
	"file://$TMP/fg.svg" >"$OUT" 2>&1
[ -s "$TMP/fg.png" ] || fail "chromium wrote no picture"
python3 - "$TMP/fg.png" <<'END' || fail "the picture is blank or not a PNG"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), "an 8-bit RGB or RGBA picture"
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw, stride, rows, prev, i = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp), 0
for y in range(h):  # undo each row's filter (PNG's five)
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
top = [bytes(r[x:x + 3]) for r in rows[:h // 4] for x in range(0, stride, bpp)]
colours = {}
for px in top:
    colours[px] = colours.get(px, 0) + 1
background = max(colours, key=colours.get)
frames = sum(n for px, n in colours.items() if px != background and min(px) < 200)
print("picture %dx%d: %d colours in its top quarter, frame pixels %d of %d" %
      (w, h, len(colours), frames, len(top)))
assert len(colours) >= 5 and frames * 20 >= len(top), "blank"
END
echo ok
