"""embed_js: a JS file as a C++ character array, for scripts the binary compiles at run time."""

def embed_js(name, src, symbol):
    """Generates `name`.cc defining `extern const char slab_hunter::<symbol>[]` with src's text."""
    native.genrule(
        name = name,
        srcs = [src],
        outs = [name + ".cc"],
        cmd = ("(printf 'namespace slab_hunter {\\nextern const char %s[] = R\"__embedded_js__(' && " +
               "cat $< && printf ')__embedded_js__\";\\n}  // namespace slab_hunter\\n') > $@") % symbol,
    )
