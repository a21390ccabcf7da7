build-fuzz/report/script.o: report/script.c report/script.h \
  report/profile.h report/tree.h common/strbuf.h common/util.h \
  report/resolve.h common/sample.h report/session.h common/format.h \
  symbolize/symbolize.h report/sample_filter.h

report/script.h:

report/profile.h:

report/tree.h:

common/strbuf.h:

common/util.h:

report/resolve.h:

common/sample.h:

report/session.h:

common/format.h:

symbolize/symbolize.h:

report/sample_filter.h:
