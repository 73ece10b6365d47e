/* The CMOS real-time clock, read once at boot to anchor wall-clock time. */
#include "timer.h"
#include "x86.h"

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(unsigned v, bool binary) { return binary ? v : (v & 15) + (v >> 4) * 10; }

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

uint64_t rtc_read_epoch(void)
{
	uint8_t sec, min, hour, day, mon, year, again;

	/* Wait out an update in progress, and read until two reads agree. */
	do {
		for (int i = 0; i < 100000 && (cmos(0x0a) & 0x80); i++)
			cpu_relax();
		sec = cmos(0x00), min = cmos(0x02), hour = cmos(0x04);
		day = cmos(0x07), mon = cmos(0x08), year = cmos(0x09);
		again = cmos(0x00);
	} while (again != sec);
	uint8_t b = cmos(0x0b);
	bool binary = b & 0x04, h24 = b & 0x02;
	bool pm = !h24 && (hour & 0x80);
	unsigned h = bcd(hour & 0x7f, binary) % 12 + (pm ? 12 : 0);
	if (h24)
		h = bcd(hour, binary);
	int64_t days = days_from_civil(2000 + bcd(year, binary), bcd(mon, binary), bcd(day, binary));
	return (uint64_t)(days * 86400 + h * 3600 + bcd(min, binary) * 60 + bcd(sec, binary));
}
