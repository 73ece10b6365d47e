/* The kernel's printf family: C99 integer, character, string and pointer
 * conversions over an output sink. No floating point: the kernel has no SSE. */
#include <stdbool.h>
#include <stdint.h>

#include "kstring.h"
#include "printf.h"

struct spec {
	bool left, zero, plus, space, alt;
	int width;     /* 0 when absent */
	int prec;      /* -1 when absent */
	char length;   /* 'H' hh, 'h', 'l', 'L' ll, 'z', 'j', 't', or 0 */
	char conv;
};

struct sink {
	kfmt_out_fn out;
	void *ctx;
	int count;
};

static void emit(struct sink *s, const char *p, size_t n)
{
	if (n) {
		s->out(s->ctx, p, n);
		s->count += (int)n;
	}
}

static void pad(struct sink *s, char c, int n)
{
	char buf[16];

	memset(buf, c, sizeof buf);
	for (; n > 0; n -= 16)
		emit(s, buf, n < 16 ? (size_t)n : 16);
}

static int parse_number(const char **fmt)
{
	int n = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		if (n < 100000000)
			n = n * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return n;
}

/* Parse flags, width, precision and length after '%'; stops at the conversion. */
static void parse_spec(const char **fmt, va_list *ap, struct spec *sp)
{
	*sp = (struct spec){.prec = -1};
	for (;; (*fmt)++) {
		char c = **fmt;
		if (c == '-') sp->left = true;
		else if (c == '0') sp->zero = true;
		else if (c == '+') sp->plus = true;
		else if (c == ' ') sp->space = true;
		else if (c == '#') sp->alt = true;
		else break;
	}
	if (**fmt == '*') {
		(*fmt)++;
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = sp->width == INT32_MIN ? INT32_MAX : -sp->width;
		}
	} else {
		sp->width = parse_number(fmt);
	}
	if (**fmt == '.') {
		(*fmt)++;
		if (**fmt == '*') {
			(*fmt)++;
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
		} else {
			sp->prec = parse_number(fmt);
		}
	}
	for (char c = **fmt; c == 'h' || c == 'l' || c == 'z' || c == 'j' || c == 't'; c = **fmt) {
		(*fmt)++;
		sp->length = (c == sp->length && c == 'h') ? 'H' : (c == sp->length && c == 'l') ? 'L' : c;
	}
	sp->conv = **fmt;
}

static uintmax_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned int);
	case 'h': return (unsigned short)va_arg(*ap, unsigned int);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	case 'j': return va_arg(*ap, uintmax_t);
	case 't': return (uintmax_t)va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static intmax_t fetch_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'z': return (intmax_t)va_arg(*ap, size_t);
	case 'j': return va_arg(*ap, intmax_t);
	case 't': return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

/* Emit prefix (sign or 0x), zero padding, digits, with width padding around. */
static void emit_number(struct sink *s, const struct spec *sp, const char *prefix,
			const char *digits, int ndigits)
{
	int plen = (int)strlen(prefix);
	int zeros = sp->prec > ndigits ? sp->prec - ndigits : 0;
	int body = plen + zeros + ndigits;

	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > body) {
		zeros += sp->width - body;
		body = sp->width;
	}
	if (!sp->left)
		pad(s, ' ', sp->width - body);
	emit(s, prefix, (size_t)plen);
	pad(s, '0', zeros);
	emit(s, digits, (size_t)ndigits);
	if (sp->left)
		pad(s, ' ', sp->width - body);
}

static void format_integer(struct sink *s, const struct spec *sp, va_list *ap)
{
	char buf[32], *end = buf + sizeof buf, *p = end;
	const char *prefix = "";
	unsigned base = sp->conv == 'o' ? 8 : (sp->conv == 'x' || sp->conv == 'X') ? 16 : 10;
	const char *digits = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	uintmax_t v;

	if (sp->conv == 'd' || sp->conv == 'i') {
		intmax_t sv = fetch_signed(sp, ap);
		v = sv < 0 ? -(uintmax_t)sv : (uintmax_t)sv;
		prefix = sv < 0 ? "-" : sp->plus ? "+" : sp->space ? " " : "";
	} else {
		v = fetch_unsigned(sp, ap);
		if (sp->alt && v && base == 16)
			prefix = sp->conv == 'X' ? "0X" : "0x";
	}
	for (uintmax_t x = v; x; x /= base)
		*--p = digits[x % base];
	if (!v && sp->prec != 0)
		*--p = '0';
	if (sp->alt && base == 8 && (p == end || *p != '0') && sp->prec <= end - p)
		*--p = '0'; /* %#o: the first digit must be 0 */
	emit_number(s, sp, prefix, p, (int)(end - p));
}

static void format_pointer(struct sink *s, const struct spec *sp, va_list *ap)
{
	uintptr_t v = (uintptr_t)va_arg(*ap, void *);
	char buf[24], *end = buf + sizeof buf, *p = end;

	if (!v) {
		struct spec str = *sp;
		str.prec = -1;
		str.zero = false;
		emit_number(s, &str, "", "(nil)", 5);
		return;
	}
	for (; v; v >>= 4)
		*--p = "0123456789abcdef"[v & 15];
	emit_number(s, sp, "0x", p, (int)(end - p));
}

static void format_string(struct sink *s, const struct spec *sp, va_list *ap)
{
	const char *str = va_arg(*ap, const char *);

	if (!str) /* like glibc: "(null)" unless the precision cuts it short */
		str = (sp->prec < 0 || sp->prec >= 6) ? "(null)" : "";
	int n = (int)(sp->prec >= 0 ? strnlen(str, (size_t)sp->prec) : strlen(str));
	if (!sp->left)
		pad(s, ' ', sp->width - n);
	emit(s, str, (size_t)n);
	if (sp->left)
		pad(s, ' ', sp->width - n);
}

int kvformat(kfmt_out_fn out, void *ctx, const char *fmt, va_list ap)
{
	struct sink s = {out, ctx, 0};
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;
		while (*fmt && *fmt != '%')
			fmt++;
		emit(&s, start, (size_t)(fmt - start));
		if (!*fmt)
			break;
		struct spec sp;
		start = fmt++;
		parse_spec(&fmt, &args, &sp);
		switch (sp.conv) {
		case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
			format_integer(&s, &sp, &args);
			break;
		case 'c': {
			char c = (char)va_arg(args, int);
			if (!sp.left)
				pad(&s, ' ', sp.width - 1);
			emit(&s, &c, 1);
			if (sp.left)
				pad(&s, ' ', sp.width - 1);
			break;
		}
		case 's': format_string(&s, &sp, &args); break;
		case 'p': format_pointer(&s, &sp, &args); break;
		case '%': emit(&s, "%", 1); break;
		case '\0': /* a lone '%' at the end */
			emit(&s, start, (size_t)(fmt - start));
			continue;
		default: /* unknown: print the whole specification as written */
			emit(&s, start, (size_t)(fmt - start + 1));
			break;
		}
		fmt++;
	}
	va_end(args);
	return s.count;
}

struct buffer {
	char *buf;
	size_t size, len;
};

static void buffer_out(void *ctx, const char *p, size_t n)
{
	struct buffer *b = ctx;

	for (size_t i = 0; i < n; i++, b->len++)
		if (b->len + 1 < b->size)
			b->buf[b->len] = p[i];
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer b = {buf, size, 0};
	int n = kvformat(buffer_out, &b, fmt, ap);

	if (size)
		buf[b.len < size ? b.len : size - 1] = 0;
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
