build-fuzz/report/flamegraph.o: report/flamegraph.c report/flamegraph.h \
  common/strbuf.h report/tree.h common/util.h \
  build-fuzz/gen/flamegraph_js.h

report/flamegraph.h:

common/strbuf.h:

report/tree.h:

common/util.h:

build-fuzz/gen/flamegraph_js.h:
