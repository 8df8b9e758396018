/*
 * Which wiki pages the gadget reads, and reading them. This module is part of the loader page,
 * so that a starting tour asks for its data at the same time as for the runtime's code instead
 * of after it; it runs on every page view, so it stays small (texts.js does the rest).
 *
 * Tour data and texts are read with cacheable GET requests (maxage, smaxage): the next page of
 * a multi-page tour, or the same tour again, reads them from the browser's cache. The reader's
 * own progress page is read in its own request, never cached.
 */
( function ( wt ) {
	'use strict';
	/**
	 * Every wiki page the gadget reads or writes is named here and nowhere else.
	 *
	 * The build writes a pointer into the first line of the loader (mw.libs.wikitoursLive,
	 * contracts §3): a map from each tour id, "ui", "translate", "config" and "tours" (the
	 * index) to the hash of the live version of its pages. The gadget reads those versioned
	 * titles, the fixed title with "/<hash>" after the tour or group, so a reader gets one
	 * complete version however a publish is going, and their content never changes (the read
	 * is cached long). Without a pointer (pages put on a wiki by hand) it reads the fixed titles;
	 * a tour the pointer does not name is read there too, where a deploy never writes: missing.
	 * The pointer is code on an interface page, trusted like this file. The Python twin is
	 * tours.render.liveversion.gadget_title.
	 *
	 * @param {string} kind tours or messages (with a name); config (the site's settings),
	 *  tours (the index) or sources (the translation form's) without one; or progress
	 * @param {string} [name] Tour id, message group (a tour id, "ui" or "translate") or user name
	 * @param {string} [lang]
	 * @return {string}
	 */
	function title( kind, name, lang ) {
		var h = kind !== 'drafts' && ( mw.libs.wikitoursLive || {} )[ name || kind ];
		return kind === 'progress' ? 'User:' + name + '/wikitours.json' : 'MediaWiki:' + ( name ?
			'Wikitours/' + kind + '/' + name : 'Gadget-wikitours-' + kind ) + ( h ? '/' + h : '' ) +
			( lang ? '/' + lang : '' ) + '.json';
	}

	/**
	 * @param {string[]} titles
	 * @param {boolean} [cache] Whether browsers and caches may keep the answer: 30 days for the
	 *  versioned titles of a pointer, which never change; five minutes for fixed titles
	 * @return {jQuery.Promise} The request (texts.answer reads it)
	 */
	function read( titles, cache ) {
		var age = cache ? ( mw.libs.wikitoursLive ? 2592000 : 300 ) : 0;
		return $.getJSON( mw.config.get( 'wgScriptPath' ) + '/api.php', { action: 'query',
			format: 'json', formatversion: 2, prop: 'revisions', rvprop: 'content', rvslots: 'main',
			titles: titles.join( '|' ), maxage: age, smaxage: age } );
	}

	/**
	 * Start reading what a tour needs: its data, the site's settings, the texts of the reader's
	 * languages and, when logged in, their progress page (not cached).
	 *
	 * The languages are those known before the runtime (and mediawiki.language) is there: the
	 * reader's, its base ("pt" for "pt-br") and English. texts.js reads the rest of a longer
	 * fallback chain, if any, once it has.
	 *
	 * @param {string} id Tour id
	 * @param {boolean} [draft] A draft being tried: its own page, not the live tour's
	 * @return {Object} {id, draft, langs, data, progress}: the last two are requests (progress null when
	 *  anonymous)
	 */
	function fetch( id, draft ) {
		var lang = mw.config.get( 'wgUserLanguage' ),
			langs = [ lang, lang.split( '-' )[ 0 ], 'en' ],
			user = mw.config.get( 'wgUserName' ),
			// a draft's data and texts are on one page of their own, never the live tour's
			titles = [ title( draft ? 'drafts' : 'tours', id ), title( 'config' ) ];
		langs.forEach( function ( code ) {
			if ( !draft ) {
				titles.push( title( 'messages', id, code ) );
			}
			titles.push( title( 'messages', 'ui', code ) );
		} );
		return {
			id: id,
			draft: !!draft,
			langs: langs,
			data: read( titles, true ),
			progress: user && read( [ title( 'progress', user ) ] )
		};
	}

	wt.messages = { title: title, read: read, fetch: fetch };
}( mw.libs.wikitours ) );
