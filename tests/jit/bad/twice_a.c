/* With twice_b.c: both define `counter`, so the two cannot be linked into
 * one program; the runtime names the symbol, as a linker would. */
int counter = 1;

int main(void)
{
	return counter;
}
