build-fuzz/report/report_text.o: report/report_text.c \
  report/report_text.h common/strbuf.h report/profile.h report/tree.h \
  common/util.h report/funcs.h

report/report_text.h:

common/strbuf.h:

report/profile.h:

report/tree.h:

common/util.h:

report/funcs.h:
