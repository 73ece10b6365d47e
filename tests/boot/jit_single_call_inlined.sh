# A static function called from one place is inlined there, loops and all,
# as clang inlines it (its inliner's bonus for the last call to a local
# function): here step calls count, a 3x3 loop over a cell's neighbours,
# once per cell, as a game of life does. The runtime gives every function
# external linkage (for the tiers' separate objects), which lost the bonus:
# count stayed a call, from the one compile of --opt 3 and from step's
# -O3 version alike, where count was hot first and had code of its own
# (life ran 4.6 and 5 times clang's time). step's code, in both, must not
# call count; the output must equal the clang build's.
. tests/boot/common.inc
cat >"$TMP/life.c" <<-'END'
	#include <stdio.h>
	#include <stdlib.h>
	struct grid {
		int w, h;
		unsigned char *cells, *next;
	};
	static int wrap(int v, int n)
	{
		return v < 0 ? v + n : v >= n ? v - n : v;
	}
	static int count(const struct grid *g, int x, int y)
	{
		int c = 0;
		for (int dy = -1; dy <= 1; dy++)
			for (int dx = -1; dx <= 1; dx++)
				if (dy || dx)
					c += g->cells[wrap(y + dy, g->h) * g->w + wrap(x + dx, g->w)];
		return c;
	}
	static long step(struct grid *g)
	{
		long alive = 0;
		for (int y = 0; y < g->h; y++)
			for (int x = 0; x < g->w; x++) {
				int n = count(g, x, y);
				unsigned char v = n == 3 || (n == 2 && g->cells[y * g->w + x]);
				g->next[y * g->w + x] = v;
				alive += v;
			}
		unsigned char *t = g->cells;
		g->cells = g->next;
		g->next = t;
		return alive;
	}
	int main(int argc, char **argv)
	{
		int gens = argc > 1 ? atoi(argv[1]) : 40;
		struct grid g = {256, 192, NULL, NULL};
		g.cells = calloc((size_t)(g.w * g.h), 1);
		g.next = calloc((size_t)(g.w * g.h), 1);
		if (!g.cells || !g.next)
			return 1;
		unsigned s = 7;
		for (int i = 0; i < g.w * g.h; i++)
			g.cells[i] = (s = s * 1664525 + 1013904223) >> 29 < 3;
		long total = 0;
		for (int i = 0; i < gens; i++)
			total += step(&g);
		printf("%ld\n", total);
		return 0;
	}
END
clang_oracle "$TMP/life.c"
# calls_count OBJECT SYMBOL: whether SYMBOL's code in OBJECT calls count.
calls_count() {
	llvm-objdump-19 -dr --disassemble-symbols="$2" "$1" >"$TMP/dis" ||
		fail "llvm-objdump-19 cannot read $1"
	grep -q "R_X86_64.*count" "$TMP/dis"
}
mkdir "$TMP/fixed" "$TMP/tiers"
run ./bareflow jit --hosted --cache off --opt 3 --env BAREFLOW_RT_OBJECTS="$TMP/fixed" "$TMP/life.c"
expect_status 0
expect_output "^$want$"
n=0
for o in "$TMP"/fixed/*.o; do
	llvm-nm-19 --defined-only "$o" | grep -q ' step\.bfl$' || continue
	n=$((n + 1))
	! calls_count "$o" step.bfl || fail "--opt 3: step calls count ($o)"
done
[ "$n" -ge 1 ] || fail "--opt 3: no object holds step's code"
run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers \
	--env BAREFLOW_RT_OBJECTS="$TMP/tiers" "$TMP/life.c"
expect_status 0
expect_output "^$want$"
expect_output "tier-up count: tier 0 -> 2"
expect_output "tier-up step: tier 0 -> 2"
# In a version's object, a copy of count not inlined would be a local
# function beside step's code, called without a relocation: no symbol of
# count may be there at all, defined or not.
n=0
for o in "$TMP"/tiers/*.o; do
	llvm-nm-19 "$o" >"$TMP/syms" || fail "llvm-nm-19 cannot read $o"
	grep -q ' step\.bfl\.bf[12]' "$TMP/syms" || continue
	n=$((n + 1))
	! grep -q 'count' "$TMP/syms" || fail "step's version keeps count ($o: $(tr '\n' ' ' <"$TMP/syms"))"
done
[ "$n" -ge 1 ] || fail "no object holds step's -O3 version"
echo "ok: count is inlined into step, at --opt 3 and in step's -O3 version"
