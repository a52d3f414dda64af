"""node_test: a node:test file run by the slab-hunter-node binary, as a Bazel test."""

def node_test(name, src, size = "medium"):
    native.sh_test(
        name = name,
        size = size,
        srcs = ["run_node_test.sh"],
        args = ["$(location //:slab-hunter-node)", "$(location %s)" % src],
        data = [
            src,
            "helpers.js",
            "//:slab-hunter-node",
        ] + native.glob(["fixtures/**"]),
    )
