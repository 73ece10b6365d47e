// An exception nobody catches: std::terminate, then abort(), so the program
// dies of SIGABRT with status 134; stdout flushed before the throw survives.
#include <cstdio>
#include <stdexcept>

__attribute__((noinline)) static void thrower()
{
	throw std::runtime_error("nobody catches this");
}

int main()
{
	std::printf("about to throw\n");
	std::fflush(stdout);
	thrower();
	std::printf("not reached\n");
	return 0;
}
