/*!
 * wikitours translation form, on Project:Wikitours/i18n/<lang>.json (loaded by the loader there).
 *
 * Translators translate the tours in a form instead of raw JSON: one fieldset per source text
 * with the source (in the source language), the note for translators, the translation in a text
 * box (in the target language and its direction), and flags for missing and outdated texts.
 * Saving writes the page as banana JSON: every other key and the metadata are kept, the saver is
 * added to the authors, and each text the translator saved records the hash of the source text
 * it was made from (contract §2), as published by the build in MediaWiki:Gadget-wikitours-sources.json.
 * The edit carries baserevid/basetimestamp, so an edit made by someone else in between is
 * reported and nothing is overwritten.
 *
 * Every text from the wiki (sources, notes, translations) is shown with .text() or .val() only:
 * never as HTML.
 */
( function () {
	'use strict';
	// The runtime's messages.js and texts.js, bundled before this file: page titles, the
	// reader's languages, the pages of a query answer, and the merge of message pages that lets
	// only wikitours- keys in.
	var lib = mw.libs.wikitours.messages,
		texts = mw.libs.wikitours.texts,
		SOURCES = lib.title( 'sources' ),
		KEY = /^wikitours-[a-z0-9-]+$/,
		HASH = /^[0-9a-f]{8}$/,
		TITLE = /^Wikitours\/i18n\/([a-z][a-z0-9-]*)\.json$/,
		MAX_TEXT = 20000;

	function msg() {
		return mw.message.apply( mw, arguments ).text();
	}

	function formTitle( lang ) {
		// The live version's (the titles are built in messages.js only).
		return lib.title( 'messages', 'translate', lang );
	}

	function parseObject( text ) {
		var data;
		try {
			data = JSON.parse( text );
		} catch ( e ) {
			return null;
		}
		return data && typeof data === 'object' && !Array.isArray( data ) ? data : null;
	}

	/**
	 * @return {string|null} The language this page translates into (null: not a language page)
	 */
	function targetLanguage() {
		var m = TITLE.exec( mw.config.get( 'wgTitle' ) || '' );
		return mw.config.get( 'wgNamespaceNumber' ) === 4 && m && m[ 1 ] !== 'qqq' ? m[ 1 ] : null;
	}

	/**
	 * @param {Object|null} data Parsed sources page
	 * @return {Object|null} {lang, messages: [{key, text, hash, doc}]} with only well-formed messages
	 */
	function validSources( data ) {
		var seen = {},
			messages;
		if ( !data || !Array.isArray( data.messages ) || typeof data.sourceLanguage !== 'string' ) {
			return null;
		}
		messages = data.messages.filter( function ( m ) {
			var ok = m && typeof m === 'object' && typeof m.key === 'string' && KEY.test( m.key ) &&
				!seen[ m.key ] && typeof m.text === 'string' && m.text.length <= MAX_TEXT &&
				typeof m.hash === 'string' && HASH.test( m.hash );
			if ( ok ) {
				seen[ m.key ] = true;
			}
			return ok;
		} );
		return messages.length ? {
			lang: /^[a-z][a-z0-9-]*$/.test( data.sourceLanguage ) ? data.sourceLanguage : 'en',
			messages: messages.map( function ( m ) {
				return { key: m.key, text: m.text, hash: m.hash,
					doc: typeof m.doc === 'string' ? m.doc.slice( 0, MAX_TEXT ) : '' };
			} )
		} : null;
	}

	function setFormMessages( get, langs ) {
		mw.messages.set( texts.merge( langs.map( function ( lang ) {
			var page = get( formTitle( lang ) );
			return page && parseObject( page.content );
		} ) ) );
	}

	/**
	 * @param {string} text
	 * @return {jQuery.Promise} The first 8 hex digits of the SHA-1 of text (UTF-8), or null
	 */
	function sha1Prefix( text ) {
		var done = $.Deferred();
		crypto.subtle.digest( 'SHA-1', new TextEncoder().encode( text ) ).then( function ( buffer ) {
			// eslint-disable-next-line -- es-x: typed arrays exist wherever crypto.subtle does
			done.resolve( Array.prototype.map.call( new window.Uint8Array( buffer ), function ( b ) {
				return ( b < 16 ? '0' : '' ) + b.toString( 16 );
			} ).join( '' ).slice( 0, 8 ) );
		}, function () {
			done.resolve( null );
		} );
		return done.promise();
	}

	/**
	 * The hash each saved translation records is computed here from the source text shown
	 * (contract §2), where the browser can (https, or a wiki on 127.0.0.1): a stale or forged
	 * hash on the sources page then cannot be stamped. Elsewhere the published hash is used.
	 *
	 * @param {Object} state Loaded state
	 * @return {jQuery.Promise} The state
	 */
	function checkedHashes( state ) {
		var messages = state.sources ? state.sources.messages : [];
		if ( !messages.length || !window.crypto || !window.crypto.subtle || !window.TextEncoder ) {
			return $.Deferred().resolve( state ).promise();
		}
		return $.when.apply( $, messages.map( function ( m ) {
			return sha1Prefix( m.text );
		} ) ).then( function () {
			var hashes = arguments;
			messages.forEach( function ( m, i ) {
				if ( hashes[ i ] ) {
					m.hash = hashes[ i ];
				}
			} );
			return state;
		} );
	}

	/**
	 * Everything the form needs in one request: the sources, this page's latest revision, the
	 * interface messages of the reader's languages, and the names and directions of the languages.
	 *
	 * @param {string} lang Target language
	 * @return {jQuery.Promise}
	 */
	function load( lang ) {
		var page = mw.config.get( 'wgPageName' ),
			langs = texts.languages(),
			codes = [ lang, 'en', mw.config.get( 'wgContentLanguage' ) ];
		return new mw.Api().get( {
			action: 'query',
			prop: 'revisions',
			titles: [ SOURCES, page ].concat( langs.map( formTitle ) ).join( '|' ),
			rvprop: 'content|ids|timestamp',
			rvslots: 'main',
			meta: 'languageinfo',
			licode: codes.filter( function ( c, i ) {
				return codes.indexOf( c ) === i;
			} ).join( '|' ),
			liprop: 'autonym|dir',
			curtimestamp: 1,
			formatversion: 2
		} ).then( function ( response ) {
			var get = texts.contents( response, true ),
				sourcesPage = get( SOURCES ),
				current = get( page ),
				info = ( response.query && response.query.languageinfo ) || {};
			setFormMessages( get, langs );
			return checkedHashes( {
				title: page,
				lang: lang,
				info: info,
				sources: validSources( sourcesPage && parseObject( sourcesPage.content ) ),
				exists: !!current,
				data: current ? parseObject( current.content ) : {},
				revid: current ? current.revid : 0,
				timestamp: current ? current.timestamp : '',
				start: response.curtimestamp
			} );
		} );
	}

	function language( info, code ) {
		var i = info[ code ] || {};
		return {
			code: code,
			name: typeof i.autonym === 'string' && i.autonym ? i.autonym : code,
			dir: i.dir === 'rtl' ? 'rtl' : 'ltr'
		};
	}

	/**
	 * @param {Object} state Loaded state
	 * @param {Object} m Source message
	 * @return {Object} {missing, outdated} of m in the page as saved
	 */
	function flags( state, m ) {
		var text = state.data[ m.key ],
			meta = state.data[ '@metadata' ],
			hashes = meta && typeof meta === 'object' && meta[ 'source-hashes' ],
			recorded = hashes && typeof hashes === 'object' ? hashes[ m.key ] : undefined,
			missing = typeof text !== 'string' || !text.trim();
		return { missing: missing, outdated: !missing && recorded !== m.hash };
	}

	function copy( object ) {
		var out = {};
		Object.keys( object ).forEach( function ( key ) {
			out[ key ] = object[ key ];
		} );
		return out;
	}

	/**
	 * The page's new content: every key and metadata kept, *changes* applied.
	 *
	 * @param {Object} data The page as loaded
	 * @param {Array} changes [{key, text (null: remove), hash}]
	 * @param {string|null} author User name to add to the authors
	 * @param {Array} order Source keys in library order (new keys are added in it)
	 * @return {Object}
	 */
	function updated( data, changes, author, order ) {
		var meta = data[ '@metadata' ] && typeof data[ '@metadata' ] === 'object' &&
				!Array.isArray( data[ '@metadata' ] ) ? copy( data[ '@metadata' ] ) : {},
			hashes = meta[ 'source-hashes' ] && typeof meta[ 'source-hashes' ] === 'object' ?
				copy( meta[ 'source-hashes' ] ) : {},
			byKey = {},
			out = { '@metadata': meta };
		meta.authors = Array.isArray( meta.authors ) ? meta.authors.slice() : [];
		if ( author && meta.authors.indexOf( author ) === -1 ) {
			meta.authors.push( author );
		}
		changes.forEach( function ( c ) {
			byKey[ c.key ] = c;
			if ( c.text === null ) {
				delete hashes[ c.key ];
			} else {
				hashes[ c.key ] = c.hash;
			}
		} );
		meta[ 'source-hashes' ] = hashes;
		Object.keys( data ).forEach( function ( key ) {
			var c = byKey[ key ];
			if ( key === '@metadata' || ( c && c.text === null ) ) {
				return;
			}
			out[ key ] = c ? c.text : data[ key ];
		} );
		order.forEach( function ( key ) {
			if ( byKey[ key ] && byKey[ key ].text !== null && !( key in out ) ) {
				out[ key ] = byKey[ key ].text;
			}
		} );
		return out;
	}

	function Form( state ) {
		this.state = state;
		this.target = language( state.info, state.lang );
		this.source = language( state.info, state.sources.lang );
		this.rows = [];
		// in the reader's interface language: the page's content language may differ
		this.$el = $( '<form>' ).addClass( 'wikitours-translate' ).attr( {
			novalidate: '',
			lang: mw.config.get( 'wgUserLanguage' ),
			dir: document.documentElement.dir === 'rtl' ? 'rtl' : 'ltr'
		} );
		this.build();
	}

	Form.prototype.build = function () {
		var self = this,
			target = this.target,
			source = this.source,
			$filter = $( '<input>' ).attr( { type: 'checkbox', id: 'wikitours-translate-filter' } );

		this.$count = $( '<p>' ).addClass( 'wikitours-translate__count' );
		this.$status = $( '<p>' ).addClass( 'wikitours-translate__status' )
			.attr( { role: 'status', 'aria-live': 'polite' } );
		this.$save = $( '<button>' ).attr( 'type', 'submit' )
			.addClass( 'wikitours-translate__save' ).text( msg( 'wikitours-translate-save' ) );
		this.$filter = $filter;
		this.$el.append(
			$( '<h2>' ).attr( 'id', 'wikitours-translate-heading' )
				.text( msg( 'wikitours-translate-heading', target.name ) ),
			$( '<p>' ).text( msg( 'wikitours-translate-intro' ) ),
			this.$count,
			$( '<p>' ).addClass( 'wikitours-translate__filter' ).append(
				$filter,
				$( '<label>' ).attr( 'for', 'wikitours-translate-filter' )
					.text( msg( 'wikitours-translate-filter' ) )
			)
		).attr( 'aria-labelledby', 'wikitours-translate-heading' );

		this.state.sources.messages.forEach( function ( m, i ) {
			var id = 'wtt-' + i, // short: ids of every box and its parts
				current = self.state.data[ m.key ],
				$flag = $( '<span>' ).addClass( 'wikitours-translate__flag' ),
				$confirm = $( '<input>' ).attr( { type: 'checkbox', id: id + '-ok' } ),
				$confirmRow = $( '<p>' ).addClass( 'wikitours-translate__confirm' ).append(
					$confirm,
					$( '<label>' ).attr( 'for', id + '-ok' ).text( msg( 'wikitours-translate-confirm' ) )
				),
				$text = $( '<textarea>' ).attr( {
					id: id,
					rows: Math.min( 8, Math.max( 2, Math.ceil( m.text.length / 70 ) ) ),
					lang: target.code,
					dir: target.dir,
					'aria-describedby': id + '-src' + ( m.doc ? ' ' + id + '-doc' : '' )
				} ).val( typeof current === 'string' ? current : '' ),
				$row = $( '<fieldset>' ).addClass( 'wikitours-translate__item' ).attr( 'data-key', m.key ).append(
					$( '<legend>' ).append( $( '<code>' ).attr( 'dir', 'ltr' ).text( m.key ), ' ', $flag ),
					$( '<div>' ).addClass( 'wikitours-translate__label' ).attr( 'id', id + '-src-label' )
						.text( msg( 'wikitours-translate-source', source.name ) ),
					$( '<div>' ).addClass( 'wikitours-translate__source' ).attr( {
						id: id + '-src', lang: source.code, dir: source.dir
					} ).text( m.text )
				);
			if ( m.doc ) {
				$row.append( $( '<p>' ).addClass( 'wikitours-translate__doc' ).attr( 'id', id + '-doc' ).append(
					$( '<span>' ).addClass( 'wikitours-translate__label' ).text( msg( 'wikitours-translate-doc' ) ),
					' ',
					$( '<span>' ).addClass( 'wikitours-translate__doctext' ).attr( { lang: 'en', dir: 'ltr' } ).text( m.doc )
				) );
			}
			$row.append(
				$( '<label>' ).addClass( 'wikitours-translate__label' ).attr( 'for', id )
					.text( msg( 'wikitours-translate-translation', target.name ) ),
				$text,
				$confirmRow
			);
			self.rows.push( { message: m, $row: $row, $text: $text, $flag: $flag,
				$confirm: $confirm, $confirmRow: $confirmRow } );
			self.$el.append( $row );
		} );
		this.$el.append(
			$( '<p>' ).addClass( 'wikitours-translate__actions' ).append( this.$save ),
			this.$status
		);
		$filter.on( 'change', function () {
			self.filter();
		} );
		this.$el.on( 'submit', function ( e ) {
			e.preventDefault();
			self.save();
		} );
		this.refresh();
	};

	/** Flags, counts and the filter after a load or a save. */
	Form.prototype.refresh = function () {
		var self = this,
			missing = 0,
			outdated = 0;
		this.rows.forEach( function ( row ) {
			var f = flags( self.state, row.message );
			row.state = f;
			missing += f.missing ? 1 : 0;
			outdated += f.outdated ? 1 : 0;
			row.$row.toggleClass( 'wikitours-translate__item--missing', f.missing )
				.toggleClass( 'wikitours-translate__item--outdated', f.outdated );
			row.$flag.attr( 'class', 'wikitours-translate__flag' + ( f.missing ?
				' wikitours-translate__flag--missing' : f.outdated ? ' wikitours-translate__flag--outdated' : '' ) )
				.text( f.missing ? msg( 'wikitours-translate-missing' ) :
					f.outdated ? msg( 'wikitours-translate-outdated' ) : '' );
			row.$confirm.prop( 'checked', false );
			row.$confirmRow.prop( 'hidden', !f.outdated );
		} );
		this.$count.text( msg( 'wikitours-translate-count', mw.language.convertNumber( this.rows.length - missing ),
			mw.language.convertNumber( this.rows.length ), mw.language.convertNumber( missing ),
			mw.language.convertNumber( outdated ) ) );
		this.filter();
	};

	Form.prototype.filter = function () {
		var only = this.$filter.prop( 'checked' );
		this.rows.forEach( function ( row ) {
			row.$row.prop( 'hidden', only && !row.state.missing && !row.state.outdated );
		} );
	};

	/**
	 * @return {Array} What the translator changed: [{key, text (null: removed), hash}]
	 */
	Form.prototype.changes = function () {
		var data = this.state.data;
		return this.rows.map( function ( row ) {
			var key = row.message.key,
				value = row.$text.val(),
				before = typeof data[ key ] === 'string' ? data[ key ] : null;
			if ( !value.trim() ) {
				return before !== null ? { key: key, text: null } : null;
			}
			if ( value !== before || ( row.state.outdated && row.$confirm.prop( 'checked' ) ) ) {
				return { key: key, text: value, hash: row.message.hash };
			}
			return null;
		} ).filter( Boolean );
	};

	Form.prototype.status = function ( text, kind ) {
		this.$status.attr( 'data-status', kind ).text( text );
	};

	Form.prototype.save = function () {
		var self = this,
			state = this.state,
			changes = this.changes(),
			data,
			params;
		if ( !changes.length ) {
			this.status( msg( 'wikitours-translate-nochange' ), 'nochange' );
			return;
		}
		data = updated( state.data, changes, mw.user.isAnon() ? null : mw.user.getName(),
			state.sources.messages.map( function ( m ) {
				return m.key;
			} ) );
		params = {
			action: 'edit',
			title: state.title,
			text: JSON.stringify( data, null, '\t' ) + '\n',
			summary: msg( 'wikitours-translate-summary', changes.length ),
			contentmodel: 'json',
			starttimestamp: state.start,
			formatversion: 2
		};
		if ( state.exists ) {
			params.baserevid = state.revid;
			params.basetimestamp = state.timestamp;
			params.nocreate = 1;
		} else {
			params.createonly = 1;
		}
		this.$save.prop( 'disabled', true );
		this.status( msg( 'wikitours-translate-saving' ), 'saving' );
		function conflict() {
			self.$save.prop( 'disabled', false );
			self.status( msg( 'wikitours-translate-conflict' ), 'conflict' );
			self.$status.append( ' ', $( '<a>' ).attr( 'href', mw.util.getUrl( state.title,
				{ action: mw.config.get( 'wgAction' ) === 'view' ? 'view' : 'edit' } ) )
				.text( msg( 'wikitours-translate-reload' ) ) );
		}
		// MediaWiki compares base and latest revision by timestamp, to the second: an edit made
		// in the same second as the one this form loaded is not seen as a conflict. So the
		// latest revision id is checked first.
		( state.exists ? new mw.Api().get( { action: 'query', prop: 'revisions', rvprop: 'ids',
			titles: state.title, formatversion: 2 } ) : $.Deferred().resolve( null ) ).then( function ( reply ) {
			var page = reply && reply.query && reply.query.pages && reply.query.pages[ 0 ];
			if ( page && ( page.missing || !page.revisions || page.revisions[ 0 ].revid !== state.revid ) ) {
				return conflict();
			}
			return send();
		}, function ( code ) {
			self.$save.prop( 'disabled', false );
			self.status( msg( 'wikitours-translate-error', code ), 'error' );
		} );
		function send() {
			new mw.Api().postWithEditToken( params ).then( function ( response ) {
				var edit = response && response.edit;
				self.$save.prop( 'disabled', false );
				if ( !edit || edit.result !== 'Success' ) {
					self.status( msg( 'wikitours-translate-error', ( edit && edit.result ) || '?' ), 'error' );
					return;
				}
				if ( edit.newrevid ) {
					state.revid = edit.newrevid;
					state.timestamp = edit.newtimestamp;
				}
				state.exists = true;
				state.data = data;
				self.refresh();
				self.status( msg( 'wikitours-translate-saved', changes.length ), 'saved' );
			}, function ( code, result ) {
				self.$save.prop( 'disabled', false );
				if ( code === 'editconflict' || code === 'articleexists' || code === 'pagedeleted' ||
				code === 'missingtitle' ) {
					return conflict();
				}
				self.status( msg( 'wikitours-translate-error', ( result && result.error && result.error.info ) || code ),
					'error' );
			} );
		}
	};

	function place( $el ) {
		var editform = document.getElementById( 'editform' ),
			content = document.getElementById( 'mw-content-text' );
		if ( editform ) {
			editform.parentNode.insertBefore( $el[ 0 ], editform );
		} else if ( content ) {
			content.insertBefore( $el[ 0 ], content.firstChild );
		}
	}

	function main() {
		var lang = targetLanguage();
		if ( !lang || !/^(view|edit|submit)$/.test( mw.config.get( 'wgAction' ) ) ||
			document.querySelector( '.wikitours-translate' )
		) {
			return;
		}
		load( lang ).then( function ( state ) {
			if ( !state.sources ) {
				place( $( '<p>' ).addClass( 'wikitours-translate wikitours-translate--notice' )
					.text( msg( 'wikitours-translate-nosources' ) ) );
				return;
			}
			if ( !state.data ) {
				place( $( '<p>' ).addClass( 'wikitours-translate wikitours-translate--notice' )
					.text( msg( 'wikitours-translate-invalid' ) ) );
				return;
			}
			place( new Form( state ).$el );
		} );
	}

	mw.libs.wikitoursTranslate = { updated: updated, flags: flags, validSources: validSources };
	$( main );
}() );
