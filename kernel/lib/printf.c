/* The kernel's printf family: C99 integer, character, string and pointer conversions. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kstring.h"
#include "printf.h"

#define FMT_INT_MAX ((int)(~0u >> 1))

/* One parsed conversion specification. */
struct spec {
	bool left, zero, plus, space, alt;
	int width;   /* 0 when absent */
	int prec;    /* -1 when absent */
	char length; /* 'H' hh, 'h', 'l', 'L' ll, 'z', 'j', 't', or 0 */
	char conv;
};

struct sink {
	kfmt_out_fn out;
	void *ctx;
	size_t count;
};

static void emit(struct sink *s, const char *p, size_t n)
{
	if (n) {
		s->out(s->ctx, p, n);
		s->count += n;
	}
}

static void pad(struct sink *s, char c, long n)
{
	char buf[16];

	memset(buf, c, sizeof buf);
	for (; n > 0; n -= (long)sizeof buf)
		emit(s, buf, n < (long)sizeof buf ? (size_t)n : sizeof buf);
}

/* Decimal digits at *fmt; saturates at FMT_INT_MAX. */
static int parse_number(const char **fmt)
{
	int n = 0;

	for (; **fmt >= '0' && **fmt <= '9'; (*fmt)++) {
		int d = **fmt - '0';
		n = n > (FMT_INT_MAX - d) / 10 ? FMT_INT_MAX : n * 10 + d;
	}
	return n;
}

static void parse_flags(const char **fmt, struct spec *sp)
{
	for (;; (*fmt)++) {
		switch (**fmt) {
		case '-':
			sp->left = true;
			break;
		case '0':
			sp->zero = true;
			break;
		case '+':
			sp->plus = true;
			break;
		case ' ':
			sp->space = true;
			break;
		case '#':
			sp->alt = true;
			break;
		default:
			return;
		}
	}
}

/* A negative '*' width means '-' plus its magnitude; a negative '*' precision means none. */
static void parse_width_prec(const char **fmt, va_list *ap, struct spec *sp)
{
	if (**fmt == '*') {
		(*fmt)++;
		int w = va_arg(*ap, int);
		if (w < 0) {
			sp->left = true;
			w = w < -FMT_INT_MAX ? FMT_INT_MAX : -w;
		}
		sp->width = w;
	} else {
		sp->width = parse_number(fmt);
	}
	if (**fmt != '.')
		return;
	(*fmt)++;
	if (**fmt == '*') {
		(*fmt)++;
		int p = va_arg(*ap, int);
		sp->prec = p < 0 ? -1 : p;
	} else {
		sp->prec = parse_number(fmt);
	}
}

/* Parse everything after '%' up to the conversion character, which *fmt is left on. */
static void parse_spec(const char **fmt, va_list *ap, struct spec *sp)
{
	*sp = (struct spec){.prec = -1};
	parse_flags(fmt, sp);
	parse_width_prec(fmt, ap, sp);
	for (char c = **fmt; c == 'h' || c == 'l' || c == 'z' || c == 'j' || c == 't'; c = **fmt) {
		(*fmt)++;
		if (c == sp->length && c == 'h')
			sp->length = 'H';
		else if (c == sp->length && c == 'l')
			sp->length = 'L';
		else
			sp->length = c;
	}
	sp->conv = **fmt;
}

static uintmax_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H':
		return (unsigned char)va_arg(*ap, unsigned int);
	case 'h':
		return (unsigned short)va_arg(*ap, unsigned int);
	case 'l':
		return va_arg(*ap, unsigned long);
	case 'L':
		return va_arg(*ap, unsigned long long);
	case 'z':
		return va_arg(*ap, size_t);
	case 'j':
		return va_arg(*ap, uintmax_t);
	case 't':
		return (uintmax_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static intmax_t fetch_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H':
		return (signed char)va_arg(*ap, int);
	case 'h':
		return (short)va_arg(*ap, int);
	case 'l':
		return va_arg(*ap, long);
	case 'L':
		return va_arg(*ap, long long);
	case 'z': /* the signed type corresponding to size_t */
		return (intmax_t)va_arg(*ap, size_t);
	case 'j':
		return va_arg(*ap, intmax_t);
	case 't':
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

/* Lay out [spaces] prefix [zeros] digits [spaces]. The '0' flag pads with zeros only
 * when there is no precision and no '-'. */
static void emit_number(struct sink *s, const struct spec *sp, const char *prefix,
			const char *digits, long ndigits)
{
	long plen = (long)strlen(prefix);
	long zeros = sp->prec > ndigits ? sp->prec - ndigits : 0;
	long body = plen + zeros + ndigits;

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
	const char *digits = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned base = sp->conv == 'o' ? 8 : (sp->conv == 'x' || sp->conv == 'X') ? 16 : 10;
	uintmax_t v;

	if (sp->conv == 'd' || sp->conv == 'i') {
		intmax_t sv = fetch_signed(sp, ap);
		v = sv < 0 ? -(uintmax_t)sv : (uintmax_t)sv; /* exact for INTMAX_MIN too */
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
	/* %#o: the first digit printed must be 0, unless precision zeros already make it so. */
	if (sp->alt && base == 8 && (p == end || *p != '0') && sp->prec <= end - p)
		*--p = '0';
	emit_number(s, sp, prefix, p, end - p);
}

/* %p as glibc prints it: like %#lx with the sign flags honoured, and "(nil)" for NULL. */
static void format_pointer(struct sink *s, const struct spec *sp, va_list *ap)
{
	uintptr_t v = (uintptr_t)va_arg(*ap, void *);
	char buf[24], *end = buf + sizeof buf, *p = end;

	if (!v) {
		struct spec nil = {.left = sp->left, .width = sp->width, .prec = -1};
		emit_number(s, &nil, "", "(nil)", 5);
		return;
	}
	for (; v; v >>= 4)
		*--p = "0123456789abcdef"[v & 15];
	emit_number(s, sp, sp->plus ? "+0x" : sp->space ? " 0x" : "0x", p, end - p);
}

/* %s: NULL prints "(null)", or nothing if the precision is too short for it (as glibc). */
static void format_string(struct sink *s, const struct spec *sp, va_list *ap)
{
	const char *str = va_arg(*ap, const char *);

	if (!str)
		str = (sp->prec < 0 || sp->prec >= 6) ? "(null)" : "";
	long n = (long)(sp->prec >= 0 ? strnlen(str, (size_t)sp->prec) : strlen(str));
	if (!sp->left)
		pad(s, ' ', sp->width - n);
	emit(s, str, (size_t)n);
	if (sp->left)
		pad(s, ' ', sp->width - n);
}

/* %c: emits the byte even when it is NUL. */
static void format_char(struct sink *s, const struct spec *sp, va_list *ap)
{
	char c = (char)va_arg(*ap, int);

	if (!sp->left)
		pad(s, ' ', sp->width - 1L);
	emit(s, &c, 1);
	if (sp->left)
		pad(s, ' ', sp->width - 1L);
}

/* Format the conversion starting at pct (a '%'); returns where the text after it starts. */
static const char *format_one(struct sink *s, const char *pct, va_list *ap)
{
	const char *fmt = pct + 1;
	struct spec sp;

	parse_spec(&fmt, ap, &sp);
	switch (sp.conv) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		format_integer(s, &sp, ap);
		break;
	case 'c':
		format_char(s, &sp, ap);
		break;
	case 's':
		format_string(s, &sp, ap);
		break;
	case 'p':
		format_pointer(s, &sp, ap);
		break;
	case '%':
		emit(s, "%", 1);
		break;
	case '\0': /* the format ends inside a specification: print what there is */
		emit(s, pct, (size_t)(fmt - pct));
		return fmt;
	default: /* unknown conversion: print the whole specification as written */
		emit(s, pct, (size_t)(fmt + 1 - pct));
		break;
	}
	return fmt + 1;
}

/*
 * Format fmt, passing the output to out(ctx, s, n) in chunks; a chunk may contain NUL
 * bytes (from %c). Returns the number of bytes produced, or -1 if that exceeds INT_MAX.
 */
int kvformat(kfmt_out_fn out, void *ctx, const char *fmt, va_list ap)
{
	struct sink s = {out, ctx, 0};
	va_list args;

	va_copy(args, ap); /* va_list may be an array type; a local copy can be passed by address */
	while (*fmt) {
		const char *pct = strchr(fmt, '%');
		if (!pct) {
			emit(&s, fmt, strlen(fmt));
			break;
		}
		emit(&s, fmt, (size_t)(pct - fmt));
		fmt = format_one(&s, pct, &args);
	}
	va_end(args);
	return s.count > (size_t)FMT_INT_MAX ? -1 : (int)s.count;
}

struct buffer {
	char *buf;
	size_t size; /* capacity including the terminating NUL */
	size_t len;  /* bytes stored so far, at most size - 1 */
};

static void buffer_out(void *ctx, const char *p, size_t n)
{
	struct buffer *b = ctx;

	if (b->len + 1 >= b->size)
		return;
	size_t room = b->size - 1 - b->len;
	size_t k = n < room ? n : room;
	memcpy(b->buf + b->len, p, k);
	b->len += k;
}

/*
 * Format into buf, storing at most size - 1 bytes and a NUL when size > 0; buf may be
 * NULL when size is 0. Returns the full length the output would have had.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer b = {buf, size, 0};
	int n = kvformat(buffer_out, &b, fmt, ap);

	if (size)
		buf[b.len] = '\0';
	return n;
}

/* kvsnprintf with variable arguments. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
