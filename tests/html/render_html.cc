// A JSON report on stdin, its HTML page on stdout: the browser test's way from the binary's
// JSON report to the page FormatHtml makes.
#include <iostream>
#include <iterator>
#include <string>

#include "tracker/core/report_html.h"

int main() {
  const std::string json(std::istreambuf_iterator<char>(std::cin), {});
  std::cout << slab_hunter::FormatHtml(json);
  return std::cout.good() ? 0 : 1;
}
