/* VGA text-mode mirror of the console (80x25 at physical 0xb8000). */
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "kstring.h"
#include "vm.h"

#define COLS 80
#define ROWS 25
#define ATTR 0x0700 /* light grey on black */

static volatile uint16_t *screen;
static unsigned row, col;

void vga_init(void)
{
	screen = phys_to_virt(0xb8000);
	for (unsigned i = 0; i < COLS * ROWS; i++)
		screen[i] = ATTR | ' ';
	row = col = 0;
}

static void scroll(void)
{
	for (unsigned i = 0; i < COLS * (ROWS - 1); i++)
		screen[i] = screen[i + COLS];
	for (unsigned i = COLS * (ROWS - 1); i < COLS * ROWS; i++)
		screen[i] = ATTR | ' ';
	row = ROWS - 1;
}

static void put(char c)
{
	if (c == '\n') {
		col = 0;
		row++;
	} else if (c == '\r') {
		col = 0;
	} else if (c == '\t') {
		col = (col + 8) & ~7u;
	} else if (c == '\b') {
		if (col)
			col--;
	} else {
		screen[row * COLS + col++] = ATTR | (uint8_t)c;
	}
	if (col >= COLS) {
		col = 0;
		row++;
	}
	if (row >= ROWS)
		scroll();
}

void vga_write(const char *s, size_t n)
{
	if (!screen)
		return;
	for (size_t i = 0; i < n; i++)
		put(s[i]);
}
