// C++ exceptions through libstdc++'s unwinder: throws across frames, what(),
// rethrow, destructors during unwinding, exceptions from constructors,
// std::bad_alloc from impossible requests, nested and function-try blocks.
// std::terminate must never run: it would abort with status 134.
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

static int live, built, destroyed;

// escape: keeps the compiler from eliding an allocation it can see unused.
static void escape(void *p)
{
	asm volatile("" : : "r"(p) : "memory");
}

struct Counted {
	int id;
	explicit Counted(int i) : id(i) { live++, built++; }
	Counted(const Counted &o) : id(o.id) { live++, built++; }
	~Counted() { live--, destroyed++; }
};

struct Fussy {
	Counted member{1};
	Fussy(int n)
	{
		if (n < 0)
			throw std::invalid_argument("Fussy: negative " + std::to_string(n));
	}
};

struct MyError : std::runtime_error {
	int code;
	MyError(const char *m, int c) : std::runtime_error(m), code(c) {}
};

__attribute__((noinline)) static void deep(int depth)
{
	Counted c(depth);
	if (depth == 0)
		throw MyError("bottom reached", 42);
	deep(depth - 1);
}

__attribute__((noinline)) static int rethrower()
{
	try {
		deep(3);
	} catch (std::exception &e) {
		std::printf("rethrower caught '%s', rethrowing\n", e.what());
		throw;
	}
	return 0;
}

static int function_try(int n)
try {
	Fussy f(n);
	return 1;
} catch (const std::invalid_argument &e) {
	std::printf("function-try block caught: %s\n", e.what());
	return -1;
}

int main()
{
	std::set_terminate([] {
		std::printf("std::terminate called\n");
		std::fflush(stdout);
		std::_Exit(99);
	});

	try {
		deep(10);
	} catch (const MyError &e) {
		std::printf("caught MyError '%s' code %d; live objects %d, destroyed %d\n",
			    e.what(), e.code, live, destroyed);
	}

	try {
		rethrower();
	} catch (const std::runtime_error &e) {
		std::printf("main caught the rethrow: %s; live %d\n", e.what(), live);
	}

	try {
		Fussy ok(1);
		Fussy bad(-5);
	} catch (const std::logic_error &e) {
		std::printf("constructor threw: %s; live %d\n", e.what(), live);
	}
	std::printf("function_try(2) = %d, function_try(-2) = %d\n", function_try(2),
		    function_try(-2));

	// A throw while a vector is being filled leaves no object behind.
	try {
		std::vector<Counted> v;
		for (int i = 0; i < 100; i++) {
			v.emplace_back(i);
			if (i == 57)
				throw std::out_of_range("vector at 57");
		}
	} catch (const std::out_of_range &e) {
		std::printf("%s; live %d\n", e.what(), live);
	}

	// Non-class exceptions, catch-all, and a nested try.
	try {
		try {
			throw 7;
		} catch (int i) {
			std::printf("caught int %d\n", i);
			throw std::string("a string");
		}
	} catch (...) {
		std::exception_ptr p = std::current_exception();
		try {
			std::rethrow_exception(p);
		} catch (const std::string &s) {
			std::printf("catch-all held '%s'\n", s.c_str());
		}
	}

	// std::exception_ptr carried out of its catch block.
	std::exception_ptr saved;
	try {
		throw std::length_error("saved for later");
	} catch (...) {
		saved = std::current_exception();
	}
	try {
		std::rethrow_exception(saved);
	} catch (const std::exception &e) {
		std::printf("rethrown later: %s\n", e.what());
	}

	// Impossible allocations throw std::bad_alloc (the kernel says ENOMEM).
	for (size_t gib : {size_t(1) << 20, size_t(1) << 17}) { // 1 PiB, 128 TiB
		try {
			char *p = new char[gib << 30];
			escape(p);
			std::printf("new of %zu GiB succeeded?\n", gib);
			delete[] p;
		} catch (const std::bad_alloc &e) {
			std::printf("new of %zu GiB: std::bad_alloc (%s)\n", gib, e.what());
		}
	}
	try {
		std::vector<int> v;
		v.reserve(v.max_size() + 1);
	} catch (const std::length_error &) {
		std::printf("reserve past max_size: std::length_error\n");
	}
	char *p = new (std::nothrow) char[size_t(1) << 50];
	escape(p);
	std::printf("nothrow new of 1 PiB: %s\n", p ? "memory" : "null");

	// unique_ptr cleans up on the way out of an exception.
	try {
		auto a = std::make_unique<Counted>(100);
		auto b = std::make_unique<Counted>(101);
		throw std::runtime_error("with two unique_ptrs");
	} catch (const std::exception &e) {
		std::printf("%s; live %d\n", e.what(), live);
	}

	// 1,000 throws in a loop, to exercise the unwinder's caches.
	int caught = 0;
	for (int i = 0; i < 1000; i++) {
		try {
			deep(i % 5);
		} catch (const MyError &) {
			caught++;
		}
	}
	std::printf("caught %d of 1000; built %d, destroyed %d, live %d\n", caught, built,
		    destroyed, live);
	std::printf("uncaught exceptions now: %d\n", std::uncaught_exceptions());
	return live == 0 ? 0 : 1;
}
