# include/: the Xen guest ABI (include/vmctl/xen/) and our own wire formats
# (include/vmctl/*.h). The whole folder is distributed; the ABI headers are
# installed as <vmctl/xen/...> so guests and tools outside the tree can use them.
EXTRA_DIST += include

install-data-local: install-abi-headers
uninstall-local: uninstall-abi-headers
install-abi-headers:
	@cd $(srcdir)/include && for h in $$(find vmctl/xen -name '*.h'); do \
		$(MKDIR_P) "$(DESTDIR)$(includedir)/$$(dirname $$h)" && \
		$(INSTALL_DATA) "$$h" "$(DESTDIR)$(includedir)/$$h" || exit 1; \
	done
uninstall-abi-headers:
	@cd $(srcdir)/include && for h in $$(find vmctl/xen -name '*.h'); do \
		rm -f "$(DESTDIR)$(includedir)/$$h"; \
	done
	-@find "$(DESTDIR)$(includedir)/vmctl/xen" -depth -type d -empty -delete 2>/dev/null
.PHONY: install-abi-headers uninstall-abi-headers
