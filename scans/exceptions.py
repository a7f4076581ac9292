from core.exceptions import BastionError


class ScanLimitExceeded(BastionError):
    status_code = 429
    error_code = "SCAN_LIMIT_EXCEEDED"
    default_detail = "The organization's plan allows no more scans this month."


class ArchiveRefused(BastionError):
    """An uploaded archive the scanner will not open: each reason has its own code, all are 422."""

    status_code = 422
    error_code = "ARCHIVE_UNREADABLE"
    default_detail = "The archive is not a readable zip or tar file."


class ArchiveTooLarge(ArchiveRefused):
    error_code = "ARCHIVE_TOO_LARGE"
    default_detail = "The archive is larger than the upload limit."


class ArchiveBomb(ArchiveRefused):
    error_code = "ARCHIVE_UNPACKED_TOO_LARGE"
    default_detail = "The archive unpacks to more than the limit."


class ArchiveTooManyFiles(ArchiveRefused):
    error_code = "ARCHIVE_TOO_MANY_FILES"
    default_detail = "The archive holds more files than the limit."


class ArchiveTooDeep(ArchiveRefused):
    error_code = "ARCHIVE_TOO_DEEP"
    default_detail = "The archive nests folders deeper than the limit."


class ArchiveUnsafePath(ArchiveRefused):
    error_code = "ARCHIVE_UNSAFE_PATH"
    default_detail = "The archive holds an absolute path or one that climbs out with '..'."


class ArchiveUnsafeMember(ArchiveRefused):
    error_code = "ARCHIVE_UNSAFE_MEMBER"
    default_detail = "The archive holds a symlink, hard link or device file."


class RepositoryRefused(BastionError):
    status_code = 422
    error_code = "REPOSITORY_UNAVAILABLE"
    default_detail = "This project has no repository that can be cloned over HTTPS."


class RepositoryUnsafe(RepositoryRefused):
    error_code = "REPOSITORY_UNSAFE_HOST"
    default_detail = "The repository's host is local or private; an operator can allow such hosts."
