build-fuzz/report/folded.o: report/folded.c report/folded.h \
  common/strbuf.h report/tree.h common/util.h

report/folded.h:

common/strbuf.h:

report/tree.h:

common/util.h:
