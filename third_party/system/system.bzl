"""system_libraries: the machine's Abseil, GoogleTest, libuv and nlohmann-json (/usr), as the
machine has them.

Abseil's set of libraries changes between releases (Debian 12 ships 20220623, Debian testing
20260526), so the link options come from pkg-config on the machine that builds, not from a list.
"""

_ABSL_MODULES = [
    "absl_flat_hash_map",
    "absl_flat_hash_set",
    "absl_inlined_vector",
    "absl_hash",
    "absl_strings",
    "absl_span",
    "absl_synchronization",
]

def _system_libraries_impl(rctx):
    result = rctx.execute(["pkg-config", "--libs"] + _ABSL_MODULES)
    if result.return_code != 0:
        fail("pkg-config cannot find Abseil (libabsl-dev): " + result.stderr)
    linkopts = result.stdout.strip().split(" ")
    rctx.symlink("/usr/include", "include")
    rctx.template(
        "BUILD",
        rctx.attr.build_file_template,
        {"%{ABSL_LINKOPTS}": repr(linkopts + ["-lpthread"])},
    )

system_libraries = repository_rule(
    implementation = _system_libraries_impl,
    attrs = {"build_file_template": attr.label(allow_single_file = True)},
    local = True,
)
