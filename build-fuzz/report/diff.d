build-fuzz/report/diff.o: report/diff.c report/diff.h common/strbuf.h \
  report/tree.h common/util.h report/folded.h report/funcs.h

report/diff.h:

common/strbuf.h:

report/tree.h:

common/util.h:

report/folded.h:

report/funcs.h:
