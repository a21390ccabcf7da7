build-fuzz/report/sample_filter.o: report/sample_filter.c \
  report/sample_filter.h common/sample.h report/profile.h report/tree.h \
  report/session.h common/format.h

report/sample_filter.h:

common/sample.h:

report/profile.h:

report/tree.h:

report/session.h:

common/format.h:
