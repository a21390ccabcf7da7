build-fuzz/report/dump.o: report/dump.c report/dump.h common/strbuf.h \
  common/format.h common/sample.h common/util.h

report/dump.h:

common/strbuf.h:

common/format.h:

common/sample.h:

common/util.h:
