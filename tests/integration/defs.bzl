"""node_test: a node:test file run by the slab-hunter-node binary, as a Bazel test."""

def node_test(name, src, node_flags = [], size = "medium"):
    """A node:test file run by the binary; node_flags are added to every run of the binary it makes."""
    native.sh_test(
        name = name,
        size = size,
        srcs = ["run_node_test.sh"],
        args = ["$(location //:slab-hunter-node)", "$(location %s)" % src] + node_flags,
        data = [
            src,
            "helpers.js",
            "//:slab-hunter-node",
        ] + native.glob(["fixtures/**"]),
    )
