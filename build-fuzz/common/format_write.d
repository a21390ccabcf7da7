build-fuzz/common/format_write.o: common/format_write.c common/format.h \
  common/util.h

common/format.h:

common/util.h:
