// cxx_names: C++ functions whose symbols are mangled, for export tests (display name
// demangled, system name as in the ELF file).  usage: cxx_names [SECONDS]
#include <chrono>
#include <cstdlib>

namespace shapes {
volatile unsigned long sink;

template <typename T> struct Area {
	__attribute__((noinline)) static T of(T side)
	{
		T a = 0;
		for (int i = 0; i < 100000; i++)
			a += side * (T)i;
		return a;
	}
};

__attribute__((noinline)) void measure(int n)
{
	for (int i = 0; i < n; i++)
		sink += (unsigned long)Area<long>::of(i) + (unsigned long)Area<double>::of(i);
}
} // namespace shapes

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 0.5;
	auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
	while (std::chrono::steady_clock::now() < end)
		shapes::measure(4);
	return 0;
}
