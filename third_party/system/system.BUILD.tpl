# Debian system libraries under /usr, seen through system.bzl's system_libraries.
package(default_visibility = ["//visibility:public"])

# Abseil (libabsl-dev): the libraries `pkg-config --libs` lists for the components used
# (filled in by system.bzl).
cc_library(
    name = "absl",
    hdrs = glob(["include/absl/**"]),
    includes = ["include"],
    linkopts = %{ABSL_LINKOPTS},
)

# GoogleTest (libgtest-dev ships static libraries).
cc_library(
    name = "gtest",
    hdrs = glob(["include/gtest/**", "include/gmock/**"]),
    includes = ["include"],
    linkopts = [
        "-l:libgtest.a",
        "-lpthread",
    ],
)

cc_library(
    name = "gtest_main",
    linkopts = ["-l:libgtest_main.a"],
    deps = [":gtest"],
)

# libuv (libuv1-dev): the embedder drives Node's event loop through it, as libnode does.
cc_library(
    name = "uv",
    hdrs = ["include/uv.h"] + glob(["include/uv/*.h"]),
    includes = ["include"],
    linkopts = ["-luv"],
)

# nlohmann's JSON for Modern C++ (nlohmann-json3-dev, header-only): the report reader parses
# the JSON reports it merges with it.
cc_library(
    name = "nlohmann_json",
    hdrs = glob(["include/nlohmann/**"]),
    includes = ["include"],
)
