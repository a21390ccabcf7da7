build-fuzz/common/strbuf.o: common/strbuf.c common/strbuf.h common/util.h

common/strbuf.h:

common/util.h:
