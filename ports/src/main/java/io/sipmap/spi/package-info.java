/**
 * What an adapter implements to store sipmap's resources: {@link io.sipmap.spi.IpRecordStore},
 * {@link io.sipmap.spi.SourceIpMappingStore} and, optionally, {@link io.sipmap.spi.ResolutionStore} and
 * {@link io.sipmap.spi.ChangeStore} (the numbered changes of both resources, recorded with each write), made together
 * over one backing system; and {@link io.sipmap.spi.SidGenerator}, where new SIDs come from. The contract suites of the
 * {@code ports} test-jar ({@code io.sipmap.contract}) pin the rules stated here, costs aside; a store adapter runs
 * them with a few-line subclass each.
 *
 * <h2>Calls</h2>
 * Every method returns a {@link java.util.concurrent.CompletionStage}, never throws and never returns null: a failure
 * arrives in the stage. Stores are thread-safe. Every method acts for one account; other accounts' records do not
 * exist for it, so a write addressed to another account's SID finds nothing rather than failing.
 *
 * <h2>SID order</h2>
 * Stores order SIDs as the unsigned 128-bit numbers their 32 hex digits spell ({@link io.sipmap.domain.Sid#high()},
 * then {@link io.sipmap.domain.Sid#low()}, each compared unsigned). That is also the order of their canonical,
 * lower-case texts compared character by character, and of the 16 big-endian bytes of a UUID made of the same
 * digits. A database therefore stores a SID as a {@code uuid}, or as text under a byte-wise collation (PostgreSQL's
 * {@code COLLATE "C"}), not a language collation, whose order is not that of the characters' codes; and a store
 * that keeps the two halves as signed 64-bit integers must compare them unsigned, or digits {@code 8}..{@code f}
 * sort first.
 *
 * <h2>Pages</h2>
 * A store's {@code page(account, request)} returns at most {@code request.size()} of the account's records, in SID
 * order, chosen by the cursor:
 * <ul>
 *   <li>{@link io.sipmap.domain.Cursor.First}: the first records;</li>
 *   <li>{@link io.sipmap.domain.Cursor.Offset}{@code (k)}: the records from the {@code k}-th on (0-based), none when
 *       the account has {@code k} or fewer;</li>
 *   <li>{@link io.sipmap.domain.Cursor.After}{@code (s)}: the first records whose SID is greater than {@code s};</li>
 *   <li>{@link io.sipmap.domain.Cursor.Before}{@code (s)}: the last records whose SID is less than {@code s}, still
 *       in ascending order; fewer than the size only when fewer precede {@code s}, never topped up with records from
 *       {@code s} on.</li>
 * </ul>
 * The SID of a keyset cursor need not exist: it may have been deleted, or never have been stored. The page's cursors
 * name its own first and last items, as {@link io.sipmap.domain.Page#of} derives them: {@code next} is
 * {@code After(last item's SID)} exactly when the account has a record with a greater SID, {@code previous} is
 * {@code Before(first item's SID)} exactly when it has one with a smaller SID. A page without items has neither
 * cursor, whatever lies on either side of the cursor that asked for it. Since cursors name SIDs, not positions, a
 * walk that follows {@code next} sees every record that lasts for the whole walk exactly once, and no record twice,
 * whatever is inserted or deleted meanwhile. A keyset page costs O(log n + page size) at any depth; an offset page
 * may cost O(offset).
 *
 * <h2>Creation order</h2>
 * Services give new records SIDs from a {@link io.sipmap.spi.SidGenerator}, so SID order is the order in which one
 * generator handed them out; see there for what that means across processes. Stores never make SIDs up.
 */
package io.sipmap.spi;
