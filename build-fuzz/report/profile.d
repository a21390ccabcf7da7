build-fuzz/report/profile.o: report/profile.c report/profile.h \
  report/tree.h common/format.h common/util.h report/folded.h \
  common/strbuf.h

report/profile.h:

report/tree.h:

common/format.h:

common/util.h:

report/folded.h:

common/strbuf.h:
