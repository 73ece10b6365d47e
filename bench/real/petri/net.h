/* The generated net (net.c): its places' token counts in and out, and one
 * round of firing. */
#ifndef NET_H
#define NET_H

#define NET_PLACES 24

void net_set(const int *marking);
void net_get(int *marking);
void net_round(void);

#endif
