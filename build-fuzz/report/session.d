build-fuzz/report/session.o: report/session.c report/session.h \
  common/format.h common/sample.h common/util.h

report/session.h:

common/format.h:

common/sample.h:

common/util.h:
