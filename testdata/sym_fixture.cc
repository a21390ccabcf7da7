// sym_fixture.cc: C++ names for the symbolizer test: namespaces, a class template with a
// member function template, an anonymous namespace, an operator, and forced inlining.
#include <cstdio>
#include <vector>

namespace geo {
namespace detail {
template <typename T> struct Accum {
	T total{};
	template <typename U> __attribute__((always_inline)) inline void add(U v) { total += static_cast<T>(v) * 3; }
	Accum &operator+=(T v)
	{
		add(v);
		return *this;
	}
};
} // namespace detail

template <typename T> __attribute__((noinline)) T sum_of(const std::vector<T> &xs)
{
	detail::Accum<T> a;
	for (const T &x : xs)
		a += x;
	return a.total;
}
} // namespace geo

namespace {
__attribute__((noinline)) double hidden_helper(int n)
{
	std::vector<double> d(static_cast<size_t>(n), 1.5);
	return geo::sum_of(d);
}
} // namespace

int main(int argc, char **)
{
	std::vector<long> v(static_cast<size_t>(argc) * 100, 2);
	std::printf("%ld %f\n", geo::sum_of(v), hidden_helper(argc));
	return 0;
}
