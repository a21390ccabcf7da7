build-fuzz/report/callgraph.o: report/callgraph.c report/callgraph.h \
  common/strbuf.h report/tree.h common/util.h report/funcs.h

report/callgraph.h:

common/strbuf.h:

report/tree.h:

common/util.h:

report/funcs.h:
