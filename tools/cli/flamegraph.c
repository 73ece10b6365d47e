/* --flamegraph: folded stacks drawn as a flame graph, one SVG file with its
 * own script (click a frame to zoom to it, search by regular expression,
 * hover for counts) that opens in a browser without a network. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define WIDTH 1200
#define PAD 10
#define FRAME_H 16
#define TOP 48 /* title and controls */
#define MAX_DEPTH 256

/* The SVG's script: frames carry their sample range (data-x, data-w) and
 * depth (data-d); zooming maps the chosen frame's range onto the width,
 * hides what falls outside and fades its ancestors. Labels are cut to fit. */
static const char script[] =
    "var W = +document.documentElement.getAttribute('data-width'), P = 10,\n"
    "    total = +document.documentElement.getAttribute('data-total');\n"
    "var frames = Array.prototype.slice.call(document.querySelectorAll('g.f'));\n"
    "function fit(g, w) {\n"
    "  var t = g.querySelector('text'), name = g.getAttribute('data-n');\n"
    "  var n = Math.floor((w - 6) / 7);\n"
    "  t.textContent = n < 3 ? '' : name.length <= n ? name : name.slice(0, n - 2) + '..';\n"
    "}\n"
    "function show(x0, w0, d0) {\n"
    "  frames.forEach(function (g) {\n"
    "    var r = g.querySelector('rect'), t = g.querySelector('text');\n"
    "    var x = +g.getAttribute('data-x'), w = +g.getAttribute('data-w'), d = "
    "+g.getAttribute('data-d');\n"
    "    if (x + w <= x0 || x >= x0 + w0) { g.style.display = 'none'; return; }\n"
    "    g.style.display = '';\n"
    "    var a = Math.max(x, x0), b = Math.min(x + w, x0 + w0);\n"
    "    var px = P + (a - x0) / w0 * (W - 2 * P), pw = (b - a) / w0 * (W - 2 * P);\n"
    "    r.setAttribute('x', px); r.setAttribute('width', pw);\n"
    "    t.setAttribute('x', px + 3);\n"
    "    g.style.opacity = d < d0 ? 0.5 : 1;\n"
    "    fit(g, pw);\n"
    "  });\n"
    "}\n"
    "frames.forEach(function (g) {\n"
    "  g.addEventListener('click', function () {\n"
    "    show(+g.getAttribute('data-x'), +g.getAttribute('data-w'), +g.getAttribute('data-d'));\n"
    "  });\n"
    "});\n"
    "function reset() { show(0, total, 0); }\n"
    "function search() {\n"
    "  var q = prompt('Search (regular expression)');\n"
    "  if (q === null) return;\n"
    "  var re = new RegExp(q), hit = 0, spans = [];\n"
    "  frames.forEach(function (g) {\n"
    "    var r = g.querySelector('rect');\n"
    "    var m = q !== '' && re.test(g.getAttribute('data-n'));\n"
    "    r.setAttribute('fill', m ? 'rgb(230,0,230)' : r.getAttribute('data-fill'));\n"
    "    if (m) spans.push([+g.getAttribute('data-x'), +g.getAttribute('data-w')]);\n"
    "  });\n"
    "  spans.sort(function (a, b) { return a[0] - b[0]; });\n"
    "  var end = 0;\n"
    "  spans.forEach(function (s) { var a = Math.max(s[0], end), b = s[0] + s[1];\n"
    "    if (b > a) { hit += b - a; end = b; } });\n"
    "  document.getElementById('matched').textContent = q === '' ? '' :\n"
    "    'Matched: ' + (100 * hit / total).toFixed(2) + '%';\n"
    "}\n"
    "reset();\n";

static void escaped(FILE *o, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", o); break;
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '"': fputs("&quot;", o); break;
		case '\'': fputs("&apos;", o); break;
		default: fputc(*s, o);
		}
}

/* A color by kind: the kernel's frames blue, JIT code green, the rest in
 * warm colors varying by name. */
static void color(const char *name, size_t len, char *out, size_t outlen)
{
	unsigned h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	unsigned a = h % 55, b = (h >> 8) % 110, c = (h >> 16) % 55;
	if (len > 9 && !strncmp(name, "[kernel] ", 9))
		snprintf(out, outlen, "rgb(%u,%u,%u)", 80 + c, 140 + a, 200 + c);
	else if (memmem(name, len, " [tier ", 7) || memmem(name, len, " [OSR ", 6))
		snprintf(out, outlen, "rgb(%u,%u,%u)", 60 + a, 180 + c, 60 + c);
	else
		snprintf(out, outlen, "rgb(%u,%u,%u)", 200 + a, 90 + b, 30 + c);
}

struct open_frame {
	const char *name; /* inside a stack string, up to len */
	size_t len;
	unsigned long long start;
};

static void frame(FILE *o, const struct open_frame *f, int depth, unsigned long long end,
		  unsigned long long total, int height)
{
	char fill[32], title[64];
	unsigned long long w = end - f->start;
	double px = PAD + (double)f->start / (double)total * (WIDTH - 2 * PAD);
	double pw = (double)w / (double)total * (WIDTH - 2 * PAD);
	int y = height - PAD - (depth + 1) * FRAME_H;

	color(f->name, f->len, fill, sizeof fill);
	char *name = strndup(f->name, f->len);
	if (!name)
		return;
	fprintf(o, "<g class=\"f\" data-x=\"%llu\" data-w=\"%llu\" data-d=\"%d\" data-n=\"", f->start,
		w, depth);
	escaped(o, name);
	fprintf(o, "\"><title>");
	escaped(o, name);
	snprintf(title, sizeof title, " (%llu samples, %.2f%%)", w, 100.0 * (double)w / (double)total);
	fprintf(o, "%s</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"2\" "
		   "fill=\"%s\" data-fill=\"%s\"/><text x=\"%.1f\" y=\"%d\"></text></g>\n",
		title, px, y, pw, FRAME_H - 1, fill, fill, px + 3, y + FRAME_H - 4);
	free(name);
}

/* The frames of stack (';'-separated) into f[1..]: their count. */
static int split(const char *stack, struct open_frame *f)
{
	int n = 1;
	for (const char *p = stack; *p && n < MAX_DEPTH; n++) {
		size_t len = strcspn(p, ";");
		f[n].name = p;
		f[n].len = len;
		p += len + (p[len] == ';');
	}
	return n;
}

int cli_flamegraph(const char *path, const struct cli_folded *f, size_t n, const char *what)
{
	static struct open_frame open[MAX_DEPTH], next[MAX_DEPTH];
	unsigned long long total = 0, x = 0;
	int depth = 0, maxd = 1;

	for (size_t i = 0; i < n; i++) {
		total += f[i].count;
		int d = split(f[i].stack, next);
		if (d > maxd)
			maxd = d;
	}
	FILE *o = fopen(path, "w");
	if (!o) {
		cli_error("--flamegraph %s: %s", path, strerror(errno));
		return -1;
	}
	int height = TOP + maxd * FRAME_H + 2 * PAD;
	const char *base = strrchr(what ? what : "", '/');
	fprintf(o,
		"<?xml version=\"1.0\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" data-width=\"%d\" data-total=\"%llu\">\n"
		"<style>text { font: 12px monospace; fill: #000; pointer-events: none; } "
		"g.f { cursor: pointer; } .c { font: 12px sans-serif; cursor: pointer; fill: #33c; }"
		"</style>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#f8f8f0\"/>\n"
		"<text x=\"%d\" y=\"20\" style=\"font: 16px sans-serif\">Flame graph: ",
		WIDTH, height, WIDTH, height, WIDTH, total, PAD);
	escaped(o, base ? base + 1 : what ? what : "");
	fprintf(o,
		" (%llu samples)</text>\n"
		"<text class=\"c\" x=\"%d\" y=\"38\" onclick=\"reset()\">Reset zoom</text>\n"
		"<text class=\"c\" x=\"%d\" y=\"38\" onclick=\"search()\">Search</text>\n"
		"<text id=\"matched\" x=\"%d\" y=\"38\" style=\"font: 12px sans-serif\"></text>\n",
		total, PAD, PAD + 100, PAD + 170);
	open[0] = (struct open_frame){"all", 3, 0};
	depth = 1;
	for (size_t i = 0; i < n; i++) {
		int d = split(f[i].stack, next), k = 1;
		while (k < depth && k < d && open[k].len == next[k].len &&
		       !memcmp(open[k].name, next[k].name, next[k].len))
			k++;
		while (depth > k) { /* close what this stack does not share */
			depth--;
			frame(o, &open[depth], depth, x, total, height);
		}
		for (; depth < d; depth++)
			open[depth] = (struct open_frame){next[depth].name, next[depth].len, x};
		x += f[i].count;
	}
	while (depth > 0) {
		depth--;
		frame(o, &open[depth], depth, x, total, height);
	}
	fprintf(o, "<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n</svg>\n", script);
	if (fclose(o)) {
		cli_error("--flamegraph %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
