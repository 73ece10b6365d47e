// iostreams and the standard library: std::cout formatting, strings,
// containers and algorithms, stringstream parsing, std::cin reading the
// test's stdin, and std::cerr (stderr, not compared, must not disturb stdout).
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

static void formatting()
{
	std::cout << "[" << std::setw(8) << 42 << "] [" << std::left << std::setw(8) << 42
		  << std::right << "] [" << std::setfill('0') << std::setw(8) << -42
		  << std::setfill(' ') << "]\n";
	std::cout << std::hex << 255 << " " << std::showbase << 255 << " " << std::uppercase << 255
		  << std::nouppercase << std::noshowbase << std::dec << " " << std::oct << 8
		  << std::dec << "\n";
	const double vals[] = {3.14159265358979, 1e-7, 123456789.0, -0.0, 2.5};
	for (double d : vals) {
		std::cout << d << " | " << std::setprecision(3) << d << " | " << std::fixed << d
			  << " | " << std::scientific << d << " | " << std::defaultfloat
			  << std::setprecision(6) << std::showpos << d << std::noshowpos << "\n";
	}
	std::cout << std::boolalpha << true << " " << false << std::noboolalpha << " " << true
		  << "\n";
	std::cout << std::setw(10) << std::internal << -5 << "|" << std::right << "\n";
	std::cout << 1.0 / 0.0 << " " << -1.0 / 0.0 << " " << 'c' << " " << static_cast<int>('c')
		  << "\n";
}

static void strings()
{
	std::string s = "The quick brown fox jumps over the lazy dog";
	std::cout << "length " << s.size() << ", find fox at " << s.find("fox") << ", rfind the at "
		  << s.rfind("the") << ", npos? " << (s.find("cat") == std::string::npos) << "\n";
	std::string t = s.substr(4, 5) + "/" + s.substr(s.size() - 3);
	std::cout << t << "\n";
	std::string u = s;
	std::transform(u.begin(), u.end(), u.begin(),
		       [](unsigned char c) { return std::toupper(c); });
	u.replace(u.find("QUICK"), 5, "SLOW");
	std::cout << u << "\n";
	std::string big(100000, 'x');
	big += "end";
	std::cout << "long string: " << big.size() << " " << big.substr(big.size() - 5) << "\n";
	std::cout << std::to_string(-12345) << " " << std::stoi("  77xyz") << " "
		  << std::stod("2.5e3") << " " << std::stoul("ff", nullptr, 16) << "\n";
	std::cout << (std::string("abc") < std::string("abd")) << " "
		  << std::string("abc").compare("ab") << "\n";
}

static void containers()
{
	std::vector<int> v;
	unsigned x = 12345;
	for (int i = 0; i < 5000; i++) {
		x = x * 1103515245 + 12345;
		v.push_back(static_cast<int>((x >> 8) % 10000));
	}
	std::vector<int> sorted = v;
	std::sort(sorted.begin(), sorted.end());
	std::cout << "min " << sorted.front() << " max " << sorted.back() << " median "
		  << sorted[2500] << " sum " << std::accumulate(v.begin(), v.end(), 0L) << "\n";
	std::vector<std::pair<int, int>> by_digit; // (last digit, position): a stable order
	for (int i = 0; i < 5000; i++)
		by_digit.emplace_back(v[i] % 10, i);
	std::sort(by_digit.begin(), by_digit.end());
	std::cout << "by last digit: " << v[by_digit[0].second] << " " << v[by_digit[1].second]
		  << " " << v[by_digit[4999].second] << "\n";
	auto last = std::unique(sorted.begin(), sorted.end());
	std::cout << "distinct " << (last - sorted.begin()) << "\n";

	std::map<std::string, int> counts;
	std::istringstream words("b a c a b a d e d a");
	for (std::string w; words >> w;)
		counts[w]++;
	for (const auto &[k, n] : counts)
		std::cout << k << "=" << n << " ";
	std::cout << "\n";
	std::unordered_map<int, int> squares;
	for (int i = 0; i < 1000; i++)
		squares[i] = i * i;
	long total = 0;
	for (const auto &kv : squares)
		total += kv.second;
	std::cout << "unordered_map " << squares.size() << " sum " << total
		  << " has 999: " << squares.count(999) << "\n";
	std::set<std::string> set = {"pear", "apple", "fig", "apple"};
	for (const auto &s : set)
		std::cout << s << " ";
	std::cout << "\n";
}

static void parsing()
{
	std::istringstream in("12 -7 3.5 word 0x1f\nsecond line here\n");
	int a, b;
	double d;
	std::string w;
	in >> a >> b >> d >> w;
	int h;
	in >> std::hex >> h >> std::dec;
	std::string rest;
	std::getline(in, rest); // the end of the first line
	std::getline(in, rest);
	std::cout << a << " " << b << " " << d << " " << w << " " << h << " [" << rest << "]\n";
	std::istringstream bad("12abc");
	int n = 0;
	bad >> n;
	std::string tail;
	bad >> tail;
	std::cout << "partial parse: " << n << " then '" << tail << "'\n";
	std::istringstream fails("xyz");
	fails >> n;
	std::cout << "failed parse: fail " << fails.fail() << ", value " << n << "\n";
	std::ostringstream out;
	out << std::setw(6) << std::setfill('*') << 3.5 << "|" << std::hex << 4096;
	std::cout << out.str() << "\n";
}

// The test's stdin: two text lines, then bytes that are not text.
static void standard_input()
{
	std::string line;
	for (int i = 0; i < 2 && std::getline(std::cin, line); i++)
		std::cout << "stdin line " << i + 1 << ": " << line << "\n";
	char buf[1024];
	long rest = 0;
	while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0)
		rest += std::cin.gcount();
	std::cout << "then " << rest << " more bytes, eof " << std::cin.eof() << "\n";
}

int main()
{
	std::ios::sync_with_stdio(false);
	formatting();
	strings();
	containers();
	parsing();
	standard_input();
	std::cerr << "cxx_iostreams: this line goes to stderr" << std::endl;
	std::cout << "done" << std::endl;
	return 0;
}
