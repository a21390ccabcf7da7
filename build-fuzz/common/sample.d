build-fuzz/common/sample.o: common/sample.c common/sample.h

common/sample.h:
