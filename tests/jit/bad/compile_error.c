/* Does not compile: clang's message names the undeclared identifier. */
int main(void)
{
	return undeclared_variable;
}
