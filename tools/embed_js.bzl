"""embed_js: JS files as one C++ character array, for scripts the binary compiles at run time."""

def embed_js(name, srcs, symbol):
    """Generates `name`.cc defining `extern const char slab_hunter::<symbol>[]`: srcs' texts, in order."""
    native.genrule(
        name = name,
        srcs = srcs,
        outs = [name + ".cc"],
        cmd = ("(printf 'namespace slab_hunter {\\nextern const char %s[] = R\"__embedded_js__(' && " +
               "cat $(SRCS) && printf ')__embedded_js__\";\\n}  // namespace slab_hunter\\n') > $@") % symbol,
    )
