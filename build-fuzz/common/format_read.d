build-fuzz/common/format_read.o: common/format_read.c common/format.h \
  common/util.h

common/format.h:

common/util.h:
