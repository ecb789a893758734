/*
 * hex.h
 *		The value of one hexadecimal digit: for the key file, the writer's
 *		uuids, LDV's trace and span ids and the offline verifier (plain C, no
 *		PostgreSQL headers needed).
 */
#ifndef VWL_HEX_H
#define VWL_HEX_H

/* The value of hexadecimal digit c, or -1 when c is none. */
static inline int
vwl_hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif							/* VWL_HEX_H */
