/* Checksums over byte buffers, each behind the same three-call interface. */
#include <stddef.h>
#include <stdint.h>

struct checksum {
	const char *name;
	void (*init)(void);
	uint32_t (*update)(uint32_t state, const uint8_t *p, size_t n);
	uint32_t start;
	uint32_t (*finish)(uint32_t state);
};

void crc32_init(void);
uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n);
uint32_t crc32_update_bytewise(uint32_t crc, const uint8_t *p, size_t n);
uint32_t crc32_finish(uint32_t crc);

void crc16_init(void);
uint32_t crc16_update(uint32_t crc, const uint8_t *p, size_t n);
uint32_t crc16_finish(uint32_t crc);

void sums_init(void);
uint32_t adler32_update(uint32_t s, const uint8_t *p, size_t n);
uint32_t fletcher32_update(uint32_t s, const uint8_t *p, size_t n);
uint32_t sums_finish(uint32_t s);
