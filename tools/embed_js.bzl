"""embed_js, embed_text: text files as one C++ character array each, compiled into the binary."""

# The raw string literal's delimiter; the build fails if an input contains its closing sequence.
_DELIMITER = "__embedded__"

def embed_text(name, srcs, symbol, drop_source_map_comments = False):
    """Generates `name`.cc defining `extern const char slab_hunter::<symbol>[]`: srcs' texts, in order.

    drop_source_map_comments leaves out `//# sourceMappingURL=` lines: a vendored minified
    library's map is not shipped, so the comment would only point at a missing file.
    """
    closing = ")" + _DELIMITER + "\""
    cat = "sed '/^\\/\\/# sourceMappingURL=/d'" if drop_source_map_comments else "cat"
    native.genrule(
        name = name,
        srcs = srcs,
        outs = [name + ".cc"],
        cmd = (
            "if grep -F -l -e '{closing}' $(SRCS) >&2; then " +
            "echo 'embed_text: the file above contains {closing}, which would end the C++ raw " +
            "string: change _DELIMITER in tools/embed_js.bzl' >&2; exit 1; fi; " +
            "(printf 'namespace slab_hunter {{\\nextern const char {symbol}[] = R\"{delimiter}(' && " +
            "{cat} $(SRCS) && printf '){delimiter}\";\\n}}  // namespace slab_hunter\\n') > $@"
        ).format(closing = closing, symbol = symbol, delimiter = _DELIMITER, cat = cat),
    )

def embed_js(name, srcs, symbol):
    """JS files for scripts the binary compiles at run time; see embed_text."""
    embed_text(name = name, srcs = srcs, symbol = symbol)
