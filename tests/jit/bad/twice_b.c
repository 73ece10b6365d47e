/* The second definition of twice_a.c's `counter`. */
int counter = 2;
